import { useId, type ReactNode } from 'react';
import { formatPlanPath, type EditorIssue, type PlanPath } from '../editor-issue.js';

export const inputClass =
  'w-full rounded border border-gray-300 bg-transparent px-2 py-1 text-sm aria-[invalid=true]:border-red-600 dark:border-gray-600 dark:bg-gray-900';

/** The issues naming exactly this field (`steps[2].extract[0].jsonPath`), shown next to it. */
export const issuesAt = (issues: readonly EditorIssue[], path: PlanPath) => {
  const key = formatPlanPath(path);
  return issues.filter((issue) => formatPlanPath(issue.path) === key);
};

/** A number as typed: a number when it reads as one, the text otherwise (validation names it), nothing when empty. */
export function numberOrText(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export const textOf = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** The problems of a field, under it, tied to it (aria-describedby) so a screen reader says them with the field. */
export function FieldIssues({ id, issues }: { id: string; issues: readonly EditorIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <p id={id} className="text-xs text-red-700 dark:text-red-300" data-issue-for={formatPlanPath(issues[0]!.path)}>
      {issues.map((issue) => `${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`).join('; ')}
    </p>
  );
}

interface FieldProps {
  label: string;
  /** The field's place in the plan: its issues are the ones naming it. */
  path: PlanPath;
  issues: readonly EditorIssue[];
}

function Field(props: FieldProps & { children(id: string, describedBy: string | undefined, invalid: boolean): ReactNode }) {
  const id = useId();
  const own = issuesAt(props.issues, props.path);
  const invalid = own.some((issue) => issue.severity === 'error');
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-xs text-gray-700 dark:text-gray-300">
        {props.label}
      </label>
      {props.children(id, own.length > 0 ? `${id}-issues` : undefined, invalid)}
      <FieldIssues id={`${id}-issues`} issues={own} />
    </div>
  );
}

export function TextField(props: FieldProps & { value: unknown; onChange(value: string): void; placeholder?: string; multiline?: boolean }) {
  return (
    <Field {...props}>
      {(id, describedBy, invalid) =>
        props.multiline ? (
          <textarea
            id={id}
            rows={4}
            className={`${inputClass} font-mono`}
            value={textOf(props.value)}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(event.target.value)}
          />
        ) : (
          <input
            id={id}
            className={inputClass}
            value={textOf(props.value)}
            placeholder={props.placeholder}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(event.target.value)}
          />
        )
      }
    </Field>
  );
}

/** A number field that keeps whatever is typed (see numberOrText): a draft may hold `12a` until it is fixed. */
export function NumberField(props: FieldProps & { value: unknown; onChange(value: number | string | undefined): void; unit?: string }) {
  return (
    <Field {...props}>
      {(id, describedBy, invalid) => (
        <span className="flex items-center gap-1">
          <input
            id={id}
            inputMode="decimal"
            className={inputClass}
            value={textOf(props.value)}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(numberOrText(event.target.value))}
          />
          {props.unit && <span className="text-xs text-gray-600 dark:text-gray-400">{props.unit}</span>}
        </span>
      )}
    </Field>
  );
}

export function SelectField(props: FieldProps & { value: unknown; options: readonly string[]; onChange(value: string): void; blank?: string }) {
  const value = textOf(props.value);
  // A value the draft holds that is not an option is still shown (validation names it), not silently replaced.
  const options = value !== '' && !props.options.includes(value) ? [value, ...props.options] : props.options;
  return (
    <Field {...props}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          className={inputClass}
          value={value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(event) => props.onChange(event.target.value)}
        >
          {props.blank !== undefined && <option value="">{props.blank}</option>}
          {options.map((option) => (
            <option key={option} value={option} className="text-gray-900">
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField(props: FieldProps & { value: unknown; onChange(value: boolean): void }) {
  const id = useId();
  const own = issuesAt(props.issues, props.path);
  return (
    <div>
      <input
        id={id}
        type="checkbox"
        checked={props.value === true}
        aria-describedby={own.length > 0 ? `${id}-issues` : undefined}
        onChange={(event) => props.onChange(event.target.checked)}
      />{' '}
      <label htmlFor={id} className="text-sm">
        {props.label}
      </label>
      <FieldIssues id={`${id}-issues`} issues={own} />
    </div>
  );
}

/** A button that edits the plan, small: remove, move, add. */
export const smallButtonClass =
  'rounded border border-gray-300 px-2 py-0.5 text-xs hover:bg-gray-100 disabled:opacity-40 dark:border-gray-600 dark:hover:bg-gray-800';
