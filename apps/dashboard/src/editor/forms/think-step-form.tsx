import { withField } from '../state/plan-draft.js';
import { FieldIssues, issuesAt, NumberField, SelectField, TextField } from './field.js';
import type { KindFormProps } from './kind-form-props.js';

/** A think step: a fixed pause (`ms`) or a random one between `minMs` and `maxMs`. */
export function ThinkStepForm({ step, path, issues, onChange }: KindFormProps) {
  const set = (key: string) => (value: unknown) => onChange(withField(step, key, value));
  const random = !('ms' in step) && ('minMs' in step || 'maxMs' in step);
  const { ms, minMs, maxMs, ...rest } = step;
  return (
    <div className="space-y-3">
      <FieldIssues id="think-issues" issues={issuesAt(issues, path)} />
      <TextField label="Name" path={[...path, 'name']} issues={issues} value={step.name} onChange={(name) => set('name')(name === '' ? undefined : name)} />
      <SelectField
        label="Pause"
        path={path}
        issues={[]}
        value={random ? 'random' : 'fixed'}
        options={['fixed', 'random']}
        onChange={(mode) =>
          onChange(mode === 'random' ? { ...rest, minMs: minMs ?? ms ?? 500, maxMs: maxMs ?? ms ?? 2000 } : { ...rest, ms: ms ?? minMs ?? 1000 })
        }
      />
      {random ? (
        <div className="grid grid-cols-2 gap-2">
          <NumberField label="At least" unit="ms" path={[...path, 'minMs']} issues={issues} value={minMs} onChange={set('minMs')} />
          <NumberField label="At most" unit="ms" path={[...path, 'maxMs']} issues={issues} value={maxMs} onChange={set('maxMs')} />
        </div>
      ) : (
        <NumberField label="Duration" unit="ms" path={[...path, 'ms']} issues={issues} value={ms} onChange={set('ms')} />
      )}
    </div>
  );
}
