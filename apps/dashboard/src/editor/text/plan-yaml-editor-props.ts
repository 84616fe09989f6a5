import type { EditorIssue } from '../editor-issue.js';

/** The YAML view of the editor's one plan draft. */
export interface PlanYamlEditorProps {
  /** The draft, as written (may be invalid). */
  plan: unknown;
  /** Called with the draft the text reads as, once the author pauses typing and the YAML reads. */
  onPlanChange(plan: unknown): void;
  /** The draft's issues, shown in the gutter at their fields. */
  issues: readonly EditorIssue[];
}
