import type { EditorIssue, PlanPath } from '../editor-issue.js';
import { isRecord, withField, type JsonRecord } from '../state/plan-draft.js';
import { FieldIssues, issuesAt, NumberField, SelectField, smallButtonClass, TextField } from './field.js';

const SOURCES = ['jsonPath', 'regex', 'header', 'status'] as const;

const sourceOf = (extract: JsonRecord) => SOURCES.find((source) => source in extract) ?? 'jsonPath';

/** An HTTP step's extractions: each a variable, and where it comes from (one of jsonPath, regex with group, header, status). */
export function ExtractList(props: { path: PlanPath; value: unknown; issues: readonly EditorIssue[]; onChange(value: unknown[] | undefined): void }) {
  const list = Array.isArray(props.value) ? props.value : [];
  const write = (next: unknown[]) => props.onChange(next.length === 0 ? undefined : next);
  const update = (i: number, extract: JsonRecord) => write(list.map((e, j) => (j === i ? extract : e)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-semibold">Extract</legend>
      <FieldIssues id="extract-list-issues" issues={issuesAt(props.issues, props.path)} />
      {list.map((item, i) => {
        const extract = isRecord(item) ? item : {};
        const path = [...props.path, i];
        const source = sourceOf(extract);
        // Changing the source keeps the variable and default, and drops what only the old source had.
        const { jsonPath: _j, regex: _r, header: _h, status: _s, group: _g, ...common } = extract;
        return (
          <div key={i} className="space-y-1 rounded border border-gray-200 p-2 dark:border-gray-700" data-extract={i}>
            <FieldIssues id={`extract-${i}-issues`} issues={issuesAt(props.issues, path)} />
            <div className="grid grid-cols-2 gap-1">
              <TextField
                label={`Extract ${i + 1} variable`}
                path={[...path, 'var']}
                issues={props.issues}
                value={extract.var}
                onChange={(v) => update(i, withField(extract, 'var', v))}
              />
              <SelectField
                label={`Extract ${i + 1} from`}
                path={path}
                issues={[]}
                value={source}
                options={SOURCES}
                onChange={(next) => update(i, { ...common, [next]: next === 'status' ? true : '' })}
              />
            </div>
            {source !== 'status' && (
              <TextField
                label={`Extract ${i + 1} ${source}`}
                path={[...path, source]}
                issues={props.issues}
                value={extract[source]}
                onChange={(v) => update(i, withField(extract, source, v))}
              />
            )}
            {source === 'regex' && (
              <NumberField
                label={`Extract ${i + 1} group`}
                path={[...path, 'group']}
                issues={props.issues}
                value={extract.group}
                onChange={(group) => update(i, withField(extract, 'group', group))}
              />
            )}
            <TextField
              label={`Extract ${i + 1} default`}
              path={[...path, 'default']}
              issues={props.issues}
              value={extract.default}
              onChange={(v) => update(i, withField(extract, 'default', v === '' ? undefined : v))}
            />
            <button type="button" className={smallButtonClass} onClick={() => write(list.filter((_, j) => j !== i))}>
              Remove extract {i + 1}
            </button>
          </div>
        );
      })}
      <button type="button" className={smallButtonClass} onClick={() => write([...list, { var: `value${list.length + 1}`, jsonPath: '$.id' }])}>
        Add extract
      </button>
    </fieldset>
  );
}
