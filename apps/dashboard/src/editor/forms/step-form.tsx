import { formatPlanPath, type EditorIssue, type PlanPath } from '../editor-issue.js';
import { getAt, isRecord, splitStepPath, stepKindOf, type JsonRecord, type PlanDraft } from '../state/plan-draft.js';
import type { EditorAction } from '../state/editor-reducer.js';
import { FieldIssues, issuesAt, smallButtonClass } from './field.js';
import { GroupStepForm } from './group-step-form.js';
import { HttpStepForm } from './http-step-form.js';
import { IfStepForm } from './if-step-form.js';
import { ThinkStepForm } from './think-step-form.js';

const KIND_TITLES = { http: 'HTTP request', think: 'Think time', if: 'Condition (if)', group: 'Loop (group)' } as const;

/** The form of the selected step, by kind, with its move up, move down and delete buttons. */
export function StepForm({
  plan,
  path,
  issues,
  dispatch,
}: {
  plan: PlanDraft;
  path: PlanPath;
  issues: readonly EditorIssue[];
  dispatch(action: EditorAction): void;
}) {
  const step = getAt(plan, path);
  const kind = stepKindOf(step);
  const { listPath, index } = splitStepPath(path);
  const list = getAt(plan, listPath);
  const last = Array.isArray(list) ? list.length - 1 : index;
  const onChange = (next: JsonRecord) => dispatch({ type: 'updateStep', path, step: next });
  const props = { step: isRecord(step) ? step : {}, path, issues, onChange };
  return (
    <section aria-labelledby="step-form-title" className="space-y-3" data-step-path={formatPlanPath(path)}>
      <h2 id="step-form-title" className="font-semibold">
        {kind ? KIND_TITLES[kind] : 'Not a step'} <span className="font-mono text-xs text-gray-500">{formatPlanPath(path)}</span>
      </h2>
      <div className="flex gap-1">
        <button
          type="button"
          className={smallButtonClass}
          disabled={index === 0}
          onClick={() => dispatch({ type: 'moveStep', path, toParentPath: listPath, toIndex: index - 1 })}
        >
          Move up
        </button>
        <button
          type="button"
          className={smallButtonClass}
          disabled={index >= last}
          onClick={() => dispatch({ type: 'moveStep', path, toParentPath: listPath, toIndex: index + 2 })}
        >
          Move down
        </button>
        <button type="button" className={`${smallButtonClass} text-red-700 dark:text-red-300`} onClick={() => dispatch({ type: 'deleteStep', path })}>
          Delete step
        </button>
      </div>
      <FieldIssues id="step-issues" issues={issuesAt(issues, path)} />
      {kind === 'http' && <HttpStepForm {...props} />}
      {kind === 'think' && <ThinkStepForm {...props} />}
      {kind === 'if' && <IfStepForm {...props} />}
      {kind === 'group' && <GroupStepForm {...props} />}
      {kind === null && <p className="text-sm">This element is not a step (give it a kind: http, think, if or group); edit it in the YAML view.</p>}
    </section>
  );
}
