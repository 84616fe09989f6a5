import { useId } from 'react';
import type { EditorIssue } from '../editor-issue.js';
import { FieldIssues, issuesAt, SelectField, smallButtonClass, TextField } from '../forms/field.js';
import type { EditorAction } from '../state/editor-reducer.js';
import { isRecord, type PlanDraft } from '../state/plan-draft.js';

const TYPES = ['text', 'number', 'boolean'] as const;
const typeOf = (value: unknown) => (typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text');

/** `value` as the type chosen; text that is not a number stays text (validation does not refuse it, the author sees it). */
function asType(value: unknown, type: string): unknown {
  const text = typeof value === 'string' ? value : String(value);
  if (type === 'number') return Number.isFinite(Number(text)) && text.trim() !== '' ? Number(text) : 0;
  if (type === 'boolean') return text === 'true';
  return text;
}

/** The plan's variables: name, type (text, number or boolean) and value, in the plan's order. */
export function VariablesPanel({ plan, issues, dispatch }: { plan: PlanDraft; issues: readonly EditorIssue[]; dispatch(action: EditorAction): void }) {
  const issuesId = useId();
  const entries = isRecord(plan.variables) ? Object.entries(plan.variables) : [];
  const write = (next: [string, unknown][]) =>
    dispatch({ type: 'updateTopLevel', field: 'variables', value: next.length === 0 ? undefined : Object.fromEntries(next) });
  const replace = (i: number, entry: [string, unknown]) => write(entries.map((e, j) => (j === i ? entry : e)));
  return (
    <fieldset className="space-y-1">
      <legend className="text-xs font-semibold">Variables</legend>
      <FieldIssues id={issuesId} issues={issuesAt(issues, ['variables'])} />
      {entries.map(([name, value], i) => (
        <div key={i} className="grid grid-cols-[1fr_6rem_1fr_auto] items-end gap-1">
          <TextField label={`Variable ${i + 1} name`} path={['variables']} issues={[]} value={name} onChange={(next) => replace(i, [next, value])} />
          <SelectField
            label={`Variable ${i + 1} type`}
            path={['variables', name]}
            issues={[]}
            value={typeOf(value)}
            options={TYPES}
            onChange={(type) => replace(i, [name, asType(value, type)])}
          />
          {typeof value === 'boolean' ? (
            <SelectField
              label={`Variable ${i + 1} value`}
              path={['variables', name]}
              issues={issues}
              value={String(value)}
              options={['true', 'false']}
              onChange={(v) => replace(i, [name, v === 'true'])}
            />
          ) : (
            <TextField
              label={`Variable ${i + 1} value`}
              path={['variables', name]}
              issues={issues}
              value={String(value)}
              onChange={(text) => replace(i, [name, typeof value === 'number' ? asType(text, 'number') : text])}
            />
          )}
          <button type="button" className={smallButtonClass} aria-label={`Remove variable ${i + 1}`} onClick={() => write(entries.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className={smallButtonClass}
        onClick={() => {
          let n = entries.length + 1;
          while (entries.some(([name]) => name === `var${n}`)) n++;
          write([...entries, [`var${n}`, '']]);
        }}
      >
        Add variable
      </button>
    </fieldset>
  );
}
