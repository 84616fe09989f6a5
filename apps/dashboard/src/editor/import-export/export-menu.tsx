import { downloadFile, exportFile, planFileStem, type ExportFormat } from './export-file.js';

const buttonClass = 'rounded border border-gray-300 px-2 py-1 text-sm hover:bg-gray-100 dark:border-gray-700 dark:hover:bg-gray-800';

/** Downloads the draft as YAML or JSON, named after the plan (`login-and-profile.yaml`), as it is written (even if invalid). */
export function ExportMenu({ plan }: { plan: unknown }) {
  const download = (format: ExportFormat) => downloadFile(exportFile(plan, format));
  const stem = planFileStem(plan);
  return (
    <div role="group" aria-label="Export the plan" className="flex items-center gap-2">
      <button type="button" className={buttonClass} onClick={() => download('yaml')} aria-label={`Download YAML (${stem}.yaml)`}>
        Download YAML
      </button>
      <button type="button" className={buttonClass} onClick={() => download('json')} aria-label={`Download JSON (${stem}.json)`}>
        Download JSON
      </button>
    </div>
  );
}
