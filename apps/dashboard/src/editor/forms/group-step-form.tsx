import { withField } from '../state/plan-draft.js';
import { FieldIssues, issuesAt, NumberField, TextField } from './field.js';
import type { KindFormProps } from './kind-form-props.js';

/** A group: a bounded loop; its steps are edited on the canvas, inside it. */
export function GroupStepForm({ step, path, issues, onChange }: KindFormProps) {
  return (
    <div className="space-y-3">
      <TextField
        label="Name"
        path={[...path, 'name']}
        issues={issues}
        value={step.name}
        onChange={(name) => onChange(withField(step, 'name', name === '' ? undefined : name))}
      />
      <NumberField
        label="Repeat"
        unit="times"
        path={[...path, 'repeat']}
        issues={issues}
        value={step.repeat}
        onChange={(repeat) => onChange(withField(step, 'repeat', repeat))}
      />
      <FieldIssues id="group-steps-issues" issues={issuesAt(issues, [...path, 'steps'])} />
    </div>
  );
}
