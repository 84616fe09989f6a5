import { HTTP_METHODS } from '@loadtest/protocol';
import { withField } from '../state/plan-draft.js';
import { BodyEditor } from './body-editor.js';
import { ChecksList } from './checks-list.js';
import { ExtractList } from './extract-list.js';
import { NumberField, SelectField, TextField } from './field.js';
import { KeyValueEditor } from './key-value-editor.js';
import type { KindFormProps } from './kind-form-props.js';

/** The fields of an HTTP step. Each field shows the issues naming it (`steps[2].url`). */
export function HttpStepForm({ step, path, issues, onChange }: KindFormProps) {
  const set = (key: string) => (value: unknown) => onChange(withField(step, key, value));
  // A step written before v1 names its URL `path`: the field edits whichever the step has.
  const urlKey = 'url' in step || !('path' in step) ? 'url' : 'path';
  return (
    <div className="space-y-3">
      <TextField label="Name" path={[...path, 'name']} issues={issues} value={step.name} onChange={set('name')} />
      <div className="grid grid-cols-[7rem_1fr] gap-2">
        <SelectField label="Method" path={[...path, 'method']} issues={issues} value={step.method} options={HTTP_METHODS} onChange={set('method')} />
        <TextField label="URL" placeholder="/users/${id}" path={[...path, urlKey]} issues={issues} value={step[urlKey]} onChange={set(urlKey)} />
      </div>
      <KeyValueEditor noun="Query parameter" path={[...path, 'query']} issues={issues} value={step.query} onChange={set('query')} />
      <KeyValueEditor noun="Header" path={[...path, 'headers']} issues={issues} value={step.headers} onChange={set('headers')} />
      <BodyEditor path={[...path, 'body']} issues={issues} value={step.body} onChange={set('body')} />
      <ExtractList path={[...path, 'extract']} issues={issues} value={step.extract} onChange={set('extract')} />
      <ChecksList path={[...path, 'checks']} issues={issues} value={step.checks} onChange={set('checks')} />
      <NumberField label="Timeout" unit="s" path={[...path, 'timeoutSeconds']} issues={issues} value={step.timeoutSeconds} onChange={set('timeoutSeconds')} />
    </div>
  );
}
