import type { FieldIssue } from '@loadtest/protocol';
import { useId, type ReactNode } from 'react';

const inputClass = 'w-full rounded border border-gray-300 bg-transparent px-2 py-1 aria-[invalid=true]:border-red-600 dark:border-gray-600';

/** A labelled input with its problems under it, tied to it for screen readers (aria-describedby). */
export function NumberField(props: {
  label: string;
  path: string;
  value: string;
  issues: readonly FieldIssue[];
  onChange(value: string): void;
  unit?: string;
}) {
  return (
    <Field label={props.label} path={props.path} issues={props.issues}>
      {(id, errorId, invalid) => (
        <span className="flex items-center gap-1">
          <input
            id={id}
            inputMode="decimal"
            className={inputClass}
            value={props.value}
            aria-invalid={invalid}
            aria-describedby={invalid ? errorId : undefined}
            data-path={props.path}
            onChange={(event) => props.onChange(event.target.value)}
          />
          {props.unit && <span className="text-xs text-gray-600 dark:text-gray-400">{props.unit}</span>}
        </span>
      )}
    </Field>
  );
}

export function TextField(props: {
  label: string;
  path: string;
  value: string;
  issues: readonly FieldIssue[];
  onChange(value: string): void;
  placeholder?: string;
}) {
  return (
    <Field label={props.label} path={props.path} issues={props.issues}>
      {(id, errorId, invalid) => (
        <input
          id={id}
          className={inputClass}
          value={props.value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          aria-describedby={invalid ? errorId : undefined}
          data-path={props.path}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  path: string;
  value: T;
  options: readonly { value: T; label: string }[];
  issues: readonly FieldIssue[];
  onChange(value: T): void;
}) {
  return (
    <Field label={props.label} path={props.path} issues={props.issues}>
      {(id, errorId, invalid) => (
        <select
          id={id}
          className={inputClass}
          value={props.value}
          aria-invalid={invalid}
          aria-describedby={invalid ? errorId : undefined}
          data-path={props.path}
          onChange={(event) => props.onChange(event.target.value as T)}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value} className="text-gray-900">
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Field(props: { label: string; path: string; issues: readonly FieldIssue[]; children(id: string, errorId: string, invalid: boolean): ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  const own = props.issues.filter((issue) => issue.path === props.path);
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-xs text-gray-700 dark:text-gray-300">
        {props.label}
      </label>
      {props.children(id, errorId, own.length > 0)}
      {own.length > 0 && (
        <p id={errorId} className="text-xs text-red-700 dark:text-red-300" data-error-for={props.path}>
          {own.map((issue) => issue.message).join('; ')}
        </p>
      )}
    </div>
  );
}
