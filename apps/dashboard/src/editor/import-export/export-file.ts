import { writePlanYaml as planToYaml } from '@loadtest/plan';

export type ExportFormat = 'yaml' | 'json';

/** A plan as a file to download. */
export interface ExportFile {
  fileName: string;
  type: string;
  content: string;
}

/** The longest file name stem: the plan's name may be 200 characters. */
const MAX_STEM = 80;

/** `login and profile` → `login-and-profile`: the plan's name, safe in a file name on any system; `plan` when it has none. */
export function planFileStem(plan: unknown): string {
  const name = plan !== null && typeof plan === 'object' && 'name' in plan && typeof plan.name === 'string' ? plan.name : '';
  const stem = name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_STEM)
    .replace(/[-.]+$/, '');
  return stem || 'plan';
}

/** The draft as written, in either format: what `POST /api/v1/plans` takes back (docs/plan-format.md). */
export function exportFile(plan: unknown, format: ExportFormat): ExportFile {
  const stem = planFileStem(plan);
  return format === 'yaml'
    ? { fileName: `${stem}.yaml`, type: 'application/yaml', content: planToYaml(plan) }
    : { fileName: `${stem}.json`, type: 'application/json', content: `${JSON.stringify(plan, null, 2)}\n` };
}

/** Saves a file through the browser: an object URL on a Blob, clicked as a download link. */
export function downloadFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.click();
  // The download has started from the URL by now; revoking later leaves the browser time to read it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
