import type { EditorIssue } from '../editor-issue.js';
import type { EditorAction } from '../state/editor-reducer.js';
import type { PlanDraft } from '../state/plan-draft.js';
import { TextField } from '../forms/field.js';

/** The plan's name and base URL. */
export function PlanFieldsPanel({ plan, issues, dispatch }: { plan: PlanDraft; issues: readonly EditorIssue[]; dispatch(action: EditorAction): void }) {
  return (
    <div className="space-y-2">
      <TextField
        label="Plan name"
        path={['name']}
        issues={issues}
        value={plan.name}
        onChange={(value) => dispatch({ type: 'updateTopLevel', field: 'name', value })}
      />
      <TextField
        label="Base URL"
        placeholder="https://shop.example.com"
        path={['baseUrl']}
        issues={issues}
        value={plan.baseUrl}
        onChange={(value) => dispatch({ type: 'updateTopLevel', field: 'baseUrl', value })}
      />
    </div>
  );
}
