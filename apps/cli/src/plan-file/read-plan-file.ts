import { PlanYamlError, readPlanYaml, StoredPlanSchema } from '@loadtest/plan';
import { formatPath, type Plan } from '@loadtest/protocol';
import { readFile } from 'node:fs/promises';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { positionLookup, type TextPosition } from './yaml-positions.js';

/** One problem of a plan file: where it is in the text, which field, and what is wrong. */
export interface PlanFileProblem {
  position: TextPosition | undefined;
  /** The field path as the author wrote it (`steps[1].url`); empty for the whole plan. */
  path: string;
  message: string;
}

export type PlanFileResult = { ok: true; plan: Plan } | { ok: false; problems: PlanFileProblem[] };

/** Reads a file's text; a missing or unreadable file is a usage error naming it. */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new CliError(`cannot read ${file}: ${why}`, EXIT.usage);
  }
}

/**
 * Checks plan text (YAML or JSON, one reader: @loadtest/plan's `readPlanYaml`) as the master checks a plan it stores
 * (`StoredPlanSchema`), and places every problem at its line and column.
 */
export function checkPlanText(text: string): PlanFileResult {
  let value: unknown;
  try {
    value = readPlanYaml(text);
  } catch (error) {
    if (!(error instanceof PlanYamlError)) throw error;
    const position = error.line === undefined ? undefined : { line: error.line, column: error.column ?? 1 };
    return { ok: false, problems: [{ position, path: '', message: error.reason }] };
  }
  const parsed = StoredPlanSchema.safeParse(value);
  if (parsed.success) return { ok: true, plan: parsed.data };
  const lookup = positionLookup(text);
  const problems = parsed.error.issues.map((issue) => ({ position: lookup.at(issue.path), path: formatPath(issue.path), message: issue.message }));
  // In the order of the text, as a compiler lists them.
  problems.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0));
  return { ok: false, problems };
}

/** `file:line:column: path: message`, the form editors and CI logs link to a place. */
export function formatProblem(file: string, problem: PlanFileProblem): string {
  const where = problem.position ? `${file}:${problem.position.line}:${problem.position.column}` : file;
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** Reads and checks a plan file; an invalid plan is a usage error listing each problem at its place. */
export async function readPlanFile(file: string): Promise<Plan> {
  const result = checkPlanText(await readTextFile(file));
  if (result.ok) return result.plan;
  throw new CliError(
    `${file} is not a valid plan (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'})`,
    EXIT.usage,
    result.problems.map((p) => formatProblem(file, p)),
  );
}
