import { useId } from 'react';
import type { EditorIssue, PlanPath } from '../editor-issue.js';
import { isRecord } from '../state/plan-draft.js';
import { FieldIssues, issuesAt, smallButtonClass, TextField } from './field.js';

/**
 * A record of text values (query, headers, form bodies): one row per key, in the plan's order. Renaming a key
 * keeps its place. Values that are not text (in an invalid draft) are shown as JSON and written back as text.
 */
export function KeyValueEditor(props: {
  /** What one entry is called in labels: `Header`, `Query parameter`. */
  noun: string;
  path: PlanPath;
  value: unknown;
  issues: readonly EditorIssue[];
  onChange(value: Record<string, unknown> | undefined): void;
}) {
  const issuesId = useId();
  const entries = isRecord(props.value) ? Object.entries(props.value) : [];
  const write = (next: [string, unknown][]) => props.onChange(next.length === 0 ? undefined : Object.fromEntries(next));
  const fresh = () => {
    let n = entries.length + 1;
    while (entries.some(([key]) => key === `name${n}`)) n++;
    return `name${n}`;
  };
  return (
    <fieldset className="space-y-1">
      <legend className="text-xs font-semibold">{props.noun}s</legend>
      <FieldIssues id={issuesId} issues={issuesAt(props.issues, props.path)} />
      {entries.map(([key, value], i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-1">
          <TextField
            label={`${props.noun} ${i + 1} name`}
            path={props.path}
            issues={[]}
            value={key}
            onChange={(name) => write(entries.map(([k, v], j) => (j === i ? [name, v] : [k, v])))}
          />
          <TextField
            label={`${props.noun} ${i + 1} value`}
            path={[...props.path, key]}
            issues={props.issues}
            value={value}
            onChange={(text) => write(entries.map(([k, v], j) => (j === i ? [k, text] : [k, v])))}
          />
          <button
            type="button"
            className={smallButtonClass}
            aria-label={`Remove ${props.noun.toLowerCase()} ${i + 1}`}
            onClick={() => write(entries.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" className={smallButtonClass} onClick={() => write([...entries, [fresh(), '']])}>
        Add {props.noun.toLowerCase()}
      </button>
    </fieldset>
  );
}
