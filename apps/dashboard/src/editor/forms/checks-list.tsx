import type { EditorIssue, PlanPath } from '../editor-issue.js';
import { isRecord, withField, type JsonRecord } from '../state/plan-draft.js';
import { JsonTextField } from './body-editor.js';
import { CheckboxField, FieldIssues, issuesAt, NumberField, SelectField, smallButtonClass, TextField } from './field.js';

const CHECK_KINDS = ['status', 'bodyContains', 'jsonPath', 'header', 'latencyBelowMs'] as const;
type CheckKind = (typeof CHECK_KINDS)[number];

const kindOf = (check: JsonRecord): CheckKind => CHECK_KINDS.find((kind) => kind in check) ?? 'status';

const FRESH: Record<CheckKind, JsonRecord> = {
  status: { status: [200] },
  bodyContains: { bodyContains: '' },
  jsonPath: { jsonPath: '$.ok', equals: true },
  header: { header: 'content-type', matches: '' },
  latencyBelowMs: { latencyBelowMs: 500 },
};

/** `200, 204` → [200, 204]; what does not read as a number stays text, for validation to name. */
const statusList = (text: string): unknown[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (Number.isInteger(Number(part)) ? Number(part) : part));

/** An HTTP step's checks: each one kind (status, bodyContains, jsonPath with equals, header with matches, latencyBelowMs), a name and stopOnFail. */
export function ChecksList(props: { path: PlanPath; value: unknown; issues: readonly EditorIssue[]; onChange(value: unknown[] | undefined): void }) {
  const list = Array.isArray(props.value) ? props.value : [];
  const write = (next: unknown[]) => props.onChange(next.length === 0 ? undefined : next);
  const update = (i: number, check: JsonRecord) => write(list.map((c, j) => (j === i ? check : c)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-semibold">Checks</legend>
      <FieldIssues id="checks-list-issues" issues={issuesAt(props.issues, props.path)} />
      {list.map((item, i) => {
        const check = isRecord(item) ? item : {};
        const path = [...props.path, i];
        const kind = kindOf(check);
        const label = (what: string) => `Check ${i + 1} ${what}`;
        const set = (key: string, value: unknown) => update(i, withField(check, key, value));
        return (
          <div key={i} className="space-y-1 rounded border border-gray-200 p-2 dark:border-gray-700" data-check={i}>
            <FieldIssues id={`check-${i}-issues`} issues={issuesAt(props.issues, path)} />
            <SelectField
              label={label('kind')}
              path={path}
              issues={[]}
              value={kind}
              options={CHECK_KINDS}
              onChange={(next) => {
                const { name, stopOnFail } = check;
                update(i, { ...(name !== undefined ? { name } : {}), ...FRESH[next as CheckKind], ...(stopOnFail !== undefined ? { stopOnFail } : {}) });
              }}
            />
            {kind === 'status' && (
              <TextField
                label={label('status codes')}
                placeholder="200, 204"
                path={[...path, 'status']}
                issues={props.issues}
                value={Array.isArray(check.status) ? check.status.join(', ') : check.status}
                onChange={(text) => set('status', statusList(text))}
              />
            )}
            {kind === 'bodyContains' && (
              <TextField
                label={label('body contains')}
                path={[...path, 'bodyContains']}
                issues={props.issues}
                value={check.bodyContains}
                onChange={(v) => set('bodyContains', v)}
              />
            )}
            {kind === 'jsonPath' && (
              <>
                <TextField
                  label={label('JSONPath')}
                  path={[...path, 'jsonPath']}
                  issues={props.issues}
                  value={check.jsonPath}
                  onChange={(v) => set('jsonPath', v)}
                />
                <JsonTextField
                  label={label('equals (JSON)')}
                  path={[...path, 'equals']}
                  issues={props.issues}
                  value={check.equals}
                  onChange={(v) => set('equals', v)}
                />
              </>
            )}
            {kind === 'header' && (
              <>
                <TextField label={label('header')} path={[...path, 'header']} issues={props.issues} value={check.header} onChange={(v) => set('header', v)} />
                <TextField
                  label={label('matches')}
                  path={[...path, 'matches']}
                  issues={props.issues}
                  value={check.matches}
                  onChange={(v) => set('matches', v)}
                />
              </>
            )}
            {kind === 'latencyBelowMs' && (
              <NumberField
                label={label('latency below')}
                unit="ms"
                path={[...path, 'latencyBelowMs']}
                issues={props.issues}
                value={check.latencyBelowMs}
                onChange={(v) => set('latencyBelowMs', v)}
              />
            )}
            <TextField
              label={label('name')}
              path={[...path, 'name']}
              issues={props.issues}
              value={check.name}
              onChange={(v) => set('name', v === '' ? undefined : v)}
            />
            <CheckboxField
              label={label('stops the iteration when it fails')}
              path={[...path, 'stopOnFail']}
              issues={props.issues}
              value={check.stopOnFail}
              onChange={(v) => set('stopOnFail', v || undefined)}
            />
            <button type="button" className={smallButtonClass} onClick={() => write(list.filter((_, j) => j !== i))}>
              Remove check {i + 1}
            </button>
          </div>
        );
      })}
      <button type="button" className={smallButtonClass} onClick={() => write([...list, { status: [200] }])}>
        Add check
      </button>
    </fieldset>
  );
}
