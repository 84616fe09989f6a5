import { writeFile } from 'node:fs/promises';
import { CliError } from '../../cli-error.js';
import { EXIT } from '../../exit-codes.js';
import type { MasterApi } from '../../master/master-client.js';
import type { Output } from '../../output/output.js';

/** Where to write each report (`--html`, `--json`, `--junit`); any may be absent. */
export interface ReportFiles {
  html?: string;
  json?: string;
  junit?: string;
}

const FORMATS = [
  { option: 'html', extension: 'html', what: 'HTML report' },
  { option: 'json', extension: 'json', what: 'JSON report' },
  { option: 'junit', extension: 'xml', what: 'JUnit XML' },
] as const;

export const wantsReports = (files: ReportFiles): boolean => FORMATS.some((f) => files[f.option] !== undefined);

/** A report's text in one format: from the master, or rendered here for a local run (one implementation, libs/report). */
export type ReportSource = (extension: ReportExtension) => Promise<string>;
export type ReportExtension = (typeof FORMATS)[number]['extension'];

/** The reports of a run on a master, as the master serves them. */
export const masterReports =
  (api: MasterApi, runId: string): ReportSource =>
  (extension) =>
    api.download(`/runs/${encodeURIComponent(runId)}/report.${extension}`);

/** Writes each report asked for; says what it wrote and how big. */
export async function writeReports(source: ReportSource, files: ReportFiles, out: Output): Promise<void> {
  for (const format of FORMATS) {
    const file = files[format.option];
    if (file === undefined) continue;
    const body = await source(format.extension);
    try {
      await writeFile(file, body);
    } catch (error) {
      throw new CliError(`cannot write the ${format.what} to ${file}: ${(error as Error).message}`, EXIT.usage);
    }
    out.line(`  wrote the ${format.what} to ${file} (${Math.max(1, Math.round(Buffer.byteLength(body) / 1024))} KB)`);
  }
}
