import { ApiError } from '../../api/client.js';

/** A problem of an import, at its field in what was sent (`log.entries[2].request.url`, `command 2`), or `''` for the whole. */
export interface ImportProblem {
  field: string;
  message: string;
}

/** What went wrong with an import, to show the author: each of a 400's issues at its field, else the error's message. */
export function importProblems(error: unknown): ImportProblem[] {
  if (error instanceof ApiError) {
    const issues = error.body?.issues ?? [];
    if (issues.length > 0) return issues.map((issue) => ({ field: issue.path, message: issue.message }));
    return [{ field: '', message: error.status === 413 ? 'the file is too large for the master' : error.message }];
  }
  return [{ field: '', message: error instanceof Error ? error.message : String(error) }];
}

/** Runs an import: the plan, or the problems to show (the import's errors never escape to the page). */
export async function planOrProblems(run: () => Promise<unknown>): Promise<{ ok: true; plan: unknown } | { ok: false; problems: ImportProblem[] }> {
  try {
    return { ok: true, plan: await run() };
  } catch (error) {
    return { ok: false, problems: importProblems(error) };
  }
}
