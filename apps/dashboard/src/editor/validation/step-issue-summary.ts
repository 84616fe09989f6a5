import { isUnder, type EditorIssue, type PlanPath } from '../editor-issue.js';

/** What a step's badge shows: its issues, how many of each kind, and the worst. */
export interface StepIssueSummary {
  issues: EditorIssue[];
  errors: number;
  warnings: number;
  /** The badge's color: `error` when any, else `warning` when any, else null (no badge). */
  severity: EditorIssue['severity'] | null;
}

/** Fields of an `if` or a group that hold child steps: their issues are the child steps' own. */
const CHILD_FLOW_FIELDS = new Set(['then', 'else', 'steps']);

/**
 * The issues under a step (`['steps', 2]`, `['steps', 1, 'then', 0]`): by
 * default its own fields' only, since the graph shows each child step as its
 * own node; `withChildSteps` counts the child flows of an `if` or a group too
 * (for a collapsed group).
 */
export function stepIssueSummary(issues: readonly EditorIssue[], stepPath: PlanPath, options: { withChildSteps?: boolean } = {}): StepIssueSummary {
  const under = issues.filter((issue) => {
    if (!isUnder(issue.path, stepPath)) return false;
    if (options.withChildSteps) return true;
    const field = issue.path[stepPath.length];
    return !(typeof field === 'string' && CHILD_FLOW_FIELDS.has(field) && typeof issue.path[stepPath.length + 1] === 'number');
  });
  const errors = under.filter((issue) => issue.severity === 'error').length;
  const warnings = under.length - errors;
  return { issues: under, errors, warnings, severity: errors > 0 ? 'error' : warnings > 0 ? 'warning' : null };
}
