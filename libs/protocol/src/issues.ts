import type { z } from 'zod';

export interface FieldIssue {
  /** Path of the offending field, e.g. `requests[2].method`. Empty for the root. */
  path: string;
  message: string;
}

/** Renders a zod issue path the way a user writes it: `requests[2].headers.Accept`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** One line naming every offending field, for logs. */
export function describeIssues(error: z.ZodError): string {
  return fieldIssues(error)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}
