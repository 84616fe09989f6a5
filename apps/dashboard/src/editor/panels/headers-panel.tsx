import type { EditorIssue } from '../editor-issue.js';
import { KeyValueEditor } from '../forms/key-value-editor.js';
import type { EditorAction } from '../state/editor-reducer.js';
import type { PlanDraft } from '../state/plan-draft.js';

/** The headers every request sends (a step's own win). */
export function HeadersPanel({ plan, issues, dispatch }: { plan: PlanDraft; issues: readonly EditorIssue[]; dispatch(action: EditorAction): void }) {
  return (
    <KeyValueEditor
      noun="Default header"
      path={['headers']}
      issues={issues}
      value={plan.headers}
      onChange={(value) => dispatch({ type: 'updateTopLevel', field: 'headers', value })}
    />
  );
}
