import { useState } from 'react';
import type { EditorIssue, PlanPath } from '../editor-issue.js';
import { isRecord } from '../state/plan-draft.js';
import { SelectField, TextField } from './field.js';
import { KeyValueEditor } from './key-value-editor.js';

const BODY_FORMS = ['json', 'text', 'form', 'file'] as const;
type BodyForm = (typeof BODY_FORMS)[number];

/** Which form a body is written in: the one key of json, text, form or file it has (the first, when it has more). */
const formOf = (body: unknown): BodyForm | '' => (isRecord(body) ? (BODY_FORMS.find((form) => form in body) ?? '') : '');

/** An HTTP step's body: none, or one of json (edited as JSON text), text, form (key/values) or file (an attachment's name). */
export function BodyEditor(props: { path: PlanPath; value: unknown; issues: readonly EditorIssue[]; onChange(body: unknown): void }) {
  const form = formOf(props.value);
  const body = isRecord(props.value) ? props.value : {};
  return (
    <fieldset className="space-y-2 rounded border border-gray-200 p-2 dark:border-gray-700">
      <legend className="px-1 text-xs font-semibold">Body</legend>
      <SelectField
        label="Body type"
        path={props.path}
        issues={props.issues}
        value={form}
        blank="none"
        options={BODY_FORMS}
        onChange={(next) => props.onChange(next === '' ? undefined : { [next]: next === 'form' ? {} : next === 'json' ? {} : '' })}
      />
      {form === 'json' && (
        <JsonTextField label="JSON body" path={[...props.path, 'json']} issues={props.issues} value={body.json} onChange={(json) => props.onChange({ json })} />
      )}
      {form === 'text' && (
        <TextField
          label="Text body"
          multiline
          path={[...props.path, 'text']}
          issues={props.issues}
          value={body.text}
          onChange={(text) => props.onChange({ text })}
        />
      )}
      {form === 'file' && (
        <TextField
          label="Attachment name"
          path={[...props.path, 'file']}
          issues={props.issues}
          value={body.file}
          onChange={(file) => props.onChange({ file })}
        />
      )}
      {form === 'form' && (
        <KeyValueEditor
          noun="Form field"
          path={[...props.path, 'form']}
          issues={props.issues}
          value={body.form}
          onChange={(fields) => props.onChange({ form: fields ?? {} })}
        />
      )}
    </fieldset>
  );
}

/**
 * A JSON value edited as text: written to the plan when it parses; until then the text is kept here with its
 * syntax error shown. The text is kept for the value it was typed for: an undo or a YAML edit shows the new value.
 */
export function JsonTextField(props: { label: string; path: PlanPath; value: unknown; issues: readonly EditorIssue[]; onChange(value: unknown): void }) {
  const [typed, setTyped] = useState<{ text: string; value: unknown; error: string | null } | null>(null);
  const own = typed !== null && typed.value === props.value ? typed : null;
  const shown = own?.text ?? (props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
  const issues = own?.error ? [...props.issues, { path: props.path, message: own.error, severity: 'error' as const }] : props.issues;
  return (
    <TextField
      label={props.label}
      multiline
      path={props.path}
      issues={issues}
      value={shown}
      onChange={(text) => {
        try {
          const value: unknown = JSON.parse(text);
          setTyped({ text, value, error: null });
          props.onChange(value);
        } catch (error) {
          setTyped({ text, value: props.value, error: `not JSON: ${(error as Error).message}` });
        }
      }}
    />
  );
}
