import { useId } from 'react';
import type { EditorIssue } from '../editor-issue.js';
import { FieldIssues, issuesAt, SelectField, smallButtonClass, TextField } from '../forms/field.js';
import type { EditorAction } from '../state/editor-reducer.js';
import { isRecord, withField, type PlanDraft } from '../state/plan-draft.js';

/** The plan's feeders: each reads rows of an attachment (attachments themselves are edited in the YAML view). */
export function FeedersPanel({ plan, issues, dispatch }: { plan: PlanDraft; issues: readonly EditorIssue[]; dispatch(action: EditorAction): void }) {
  const issuesId = useId();
  const feeders = Array.isArray(plan.feeders) ? plan.feeders : [];
  const attachments = Array.isArray(plan.attachments) ? plan.attachments.flatMap((a) => (isRecord(a) && typeof a.name === 'string' ? [a.name] : [])) : [];
  const write = (next: unknown[]) => dispatch({ type: 'updateTopLevel', field: 'feeders', value: next.length === 0 ? undefined : next });
  const set = (i: number, key: string, value: unknown) =>
    write(feeders.map((f, j) => (j === i ? withField(isRecord(f) ? f : {}, key, value === '' ? undefined : value) : f)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-semibold">Feeders</legend>
      <FieldIssues id={issuesId} issues={issuesAt(issues, ['feeders'])} />
      {feeders.map((item, i) => {
        const feeder = isRecord(item) ? item : {};
        const path = ['feeders', i];
        return (
          <div key={i} className="grid grid-cols-2 gap-1 rounded border border-gray-200 p-2 dark:border-gray-700">
            <TextField label={`Feeder ${i + 1} name`} path={[...path, 'name']} issues={issues} value={feeder.name} onChange={(v) => set(i, 'name', v)} />
            <SelectField
              label={`Feeder ${i + 1} attachment`}
              path={[...path, 'attachment']}
              issues={issues}
              value={feeder.attachment}
              blank="(choose)"
              options={attachments}
              onChange={(v) => set(i, 'attachment', v)}
            />
            <SelectField
              label={`Feeder ${i + 1} mode`}
              path={[...path, 'mode']}
              issues={issues}
              value={feeder.mode}
              blank="sequential (default)"
              options={['sequential', 'random', 'unique']}
              onChange={(v) => set(i, 'mode', v)}
            />
            <SelectField
              label={`Feeder ${i + 1} when exhausted`}
              path={[...path, 'onExhausted']}
              issues={issues}
              value={feeder.onExhausted}
              blank="(default)"
              options={['stop', 'recycle']}
              onChange={(v) => set(i, 'onExhausted', v)}
            />
            <SelectField
              label={`Feeder ${i + 1} format`}
              path={[...path, 'format']}
              issues={issues}
              value={feeder.format}
              blank="from the name"
              options={['csv', 'json']}
              onChange={(v) => set(i, 'format', v)}
            />
            <button type="button" className={smallButtonClass} onClick={() => write(feeders.filter((_, j) => j !== i))}>
              Remove feeder {i + 1}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className={smallButtonClass}
        onClick={() => write([...feeders, { name: `feeder${feeders.length + 1}`, attachment: attachments[0] ?? '' }])}
      >
        Add feeder
      </button>
    </fieldset>
  );
}
