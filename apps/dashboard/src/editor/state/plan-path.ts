import type { PlanPath } from '../editor-issue.js';
import { isRecord } from './plan-draft.js';

/**
 * The path an API 400 names (`steps[2].extract[0].jsonPath`, see formatPlanPath) read back into keys.
 * The text form is ambiguous where a key holds a dot (a header `x.trace`): with the plan, an object's key is
 * matched longest first (`headers.x.trace` → `['headers', 'x.trace']`), so the issue lands on the field it names.
 */
export function parsePlanPath(text: string, plan?: unknown): PlanPath {
  const tokens: (string | number)[] = [];
  // A key runs up to the next `.` or `[digits]` (a `[` with no index after it is part of the key).
  for (const match of text.matchAll(/\[(\d+)\]|\.?((?:(?!\[\d+\])[^.])+)/g)) tokens.push(match[1] !== undefined ? Number(match[1]) : match[2]!);
  const path: (string | number)[] = [];
  let node: unknown = plan;
  let i = 0;
  while (i < tokens.length) {
    let end = i + 1;
    if (isRecord(node)) {
      // The longest run of dot-joined keys from here that the object holds; one key when none does.
      for (let last = tokens.length; last > i + 1; last--) {
        const run = tokens.slice(i, last);
        if (run.every((t) => typeof t === 'string') && run.join('.') in node) {
          end = last;
          break;
        }
      }
    }
    const key = end === i + 1 ? tokens[i]! : tokens.slice(i, end).join('.');
    path.push(key);
    node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
    i = end;
  }
  return path;
}
