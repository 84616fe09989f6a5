import type { EditorIssue } from '../editor-issue.js';
import { parsePlanPath } from '../state/plan-path.js';

/**
 * The problems of an API answer, as editor issues: each of a 400's `issues`
 * at its field, or, without them, the answer's message for the whole plan.
 * Takes the body as the client got it (`ApiError.body`): anything else gives
 * no issue. With the plan that was sent, a key holding a dot is told apart
 * from a path (see {@link parsePlanPath}).
 */
export function issuesFromApiError(body: unknown, plan?: unknown): EditorIssue[] {
  if (body === null || typeof body !== 'object') return [];
  const { issues, message } = body as { issues?: unknown; message?: unknown };
  if (Array.isArray(issues) && issues.length > 0)
    return issues.flatMap((issue: unknown) => {
      if (issue === null || typeof issue !== 'object') return [];
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return [];
      return [{ path: typeof path === 'string' ? parsePlanPath(path, plan) : [], message, severity: 'error' as const }];
    });
  return typeof message === 'string' ? [{ path: [], message, severity: 'error' }] : [];
}
