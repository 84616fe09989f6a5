import type { EditorIssue, PlanPath } from '../editor-issue.js';

/**
 * Reads a path as the API writes it (`steps[2].extract[0].jsonPath`, `''` for
 * the whole plan): the inverse of `formatPlanPath`, for keys that hold no `.`
 * and no `[digits]` (the API's form cannot tell those apart from a path).
 */
export function parsePlanPath(text: string): PlanPath {
  const path: (string | number)[] = [];
  let rest = text;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      path.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    if (path.length > 0 && rest.startsWith('.')) rest = rest.slice(1);
    const key = /^[\s\S]*?(?=\.|\[\d+\]|$)/.exec(rest)![0];
    path.push(key);
    rest = rest.slice(key.length);
  }
  return path;
}

/**
 * The problems of an API answer, as editor issues: each of a 400's `issues`
 * at its field, or, without them, the answer's message for the whole plan.
 * Takes the body as the client got it (`ApiError.body`): anything else gives
 * no issue.
 */
export function issuesFromApiError(body: unknown): EditorIssue[] {
  if (body === null || typeof body !== 'object') return [];
  const { issues, message } = body as { issues?: unknown; message?: unknown };
  if (Array.isArray(issues) && issues.length > 0)
    return issues.flatMap((issue: unknown) => {
      if (issue === null || typeof issue !== 'object') return [];
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return [];
      return [{ path: typeof path === 'string' ? parsePlanPath(path) : [], message, severity: 'error' as const }];
    });
  return typeof message === 'string' ? [{ path: [], message, severity: 'error' }] : [];
}
