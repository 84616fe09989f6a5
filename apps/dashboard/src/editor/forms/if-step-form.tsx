import { CONDITION_OPS } from '@loadtest/protocol';
import { isRecord, withField } from '../state/plan-draft.js';
import { FieldIssues, issuesAt, numberOrText, SelectField, TextField } from './field.js';
import type { KindFormProps } from './kind-form-props.js';

const CONDITION_ON = ['status', 'latencyMs', 'size', 'variable'] as const;

/** An `if`: its condition (on the last response's status, latency or size, or a variable's value). Its branches are edited on the canvas. */
export function IfStepForm({ step, path, issues, onChange }: KindFormProps) {
  const condition = isRecord(step.condition) ? step.condition : {};
  const conditionPath = [...path, 'condition'];
  const setCondition = (key: string, value: unknown) => onChange(withField(step, 'condition', withField(condition, key, value)));
  return (
    <div className="space-y-3">
      <TextField
        label="Name"
        path={[...path, 'name']}
        issues={issues}
        value={step.name}
        onChange={(name) => onChange(withField(step, 'name', name === '' ? undefined : name))}
      />
      <fieldset className="space-y-2 rounded border border-gray-200 p-2 dark:border-gray-700">
        <legend className="px-1 text-xs font-semibold">Condition</legend>
        <FieldIssues id="condition-issues" issues={issuesAt(issues, conditionPath)} />
        <SelectField
          label="Condition on"
          path={[...conditionPath, 'on']}
          issues={issues}
          value={condition.on}
          options={CONDITION_ON}
          onChange={(on) =>
            // `variable` is only allowed, and required, when the condition is on a variable.
            onChange(
              withField(step, 'condition', withField(withField(condition, 'on', on), 'variable', on === 'variable' ? (condition.variable ?? '') : undefined)),
            )
          }
        />
        {condition.on === 'variable' && (
          <TextField
            label="Variable"
            path={[...conditionPath, 'variable']}
            issues={issues}
            value={condition.variable}
            onChange={(v) => setCondition('variable', v)}
          />
        )}
        <SelectField
          label="Operator"
          path={[...conditionPath, 'op']}
          issues={issues}
          value={condition.op}
          options={CONDITION_OPS}
          onChange={(op) => setCondition('op', op)}
        />
        <TextField
          label="Value"
          path={[...conditionPath, 'value']}
          issues={issues}
          value={condition.value}
          // A number when it reads as one: status, latency and size compare numbers, a variable compares either.
          onChange={(text) => setCondition('value', numberOrText(text) ?? '')}
        />
      </fieldset>
    </div>
  );
}
