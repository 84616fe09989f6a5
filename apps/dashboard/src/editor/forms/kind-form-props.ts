import type { EditorIssue, PlanPath } from '../editor-issue.js';
import type { JsonRecord } from '../state/plan-draft.js';

/** What the form of one step kind is given: the step as written, where it is, the draft's issues, and how to replace the step. */
export interface KindFormProps {
  step: JsonRecord;
  path: PlanPath;
  issues: readonly EditorIssue[];
  onChange(step: JsonRecord): void;
}
