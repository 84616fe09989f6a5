/** A place in a plan, as zod gives it: `['steps', 2, 'extract', 0, 'jsonPath']`. */
export type PlanPath = readonly (string | number)[];

/**
 * What the editor tells about a plan, at the field it names: an error (the
 * master's schema refuses the plan, or the API answered 400) or a warning
 * (a variable used but never set, or extracted but never used).
 */
export interface EditorIssue {
  path: PlanPath;
  message: string;
  severity: 'error' | 'warning';
}

/** `steps[2].extract[0].jsonPath`: the form the API's 400 answers use. */
export function formatPlanPath(path: PlanPath): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** Whether `path` is `prefix` or under it. */
export function isUnder(path: PlanPath, prefix: PlanPath): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}
