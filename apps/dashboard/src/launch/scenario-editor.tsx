import type { FieldIssue } from '@loadtest/protocol';
import { EXECUTOR_CHOICES, PRESETS, type ExecutorChoice, type ScenarioDraft, type StageDraft } from './launch-draft.js';
import { NumberField, SelectField, TextField } from './field.js';

const EXECUTOR_LABELS: Record<ExecutorChoice, string> = {
  'constant-vus': 'Constant VUs (closed)',
  'ramping-vus': 'Ramping VUs (closed)',
  'constant-arrival-rate': 'Constant arrival rate (open)',
  'ramping-arrival-rate': 'Ramping arrival rate (open)',
  preset: 'Preset (LOAD, STRESS, SPIKE, SOAK)',
};

interface ScenarioEditorProps {
  index: number;
  scenario: ScenarioDraft;
  issues: readonly FieldIssue[];
  onChange(scenario: ScenarioDraft): void;
  onRemove: (() => void) | null;
}

/** One scenario of the run: its executor and that executor's fields. */
export function ScenarioEditor({ index, scenario, issues, onChange, onRemove }: ScenarioEditorProps) {
  const path = `scenarios[${index}]`;
  const set = (change: Partial<ScenarioDraft>) => onChange({ ...scenario, ...change });
  const number = (label: string, key: 'vus' | 'duration' | 'rate' | 'startRate' | 'startVUs' | 'maxVUs' | 'startTime', unit?: string) => (
    <NumberField
      label={label}
      path={`${path}.${key}`}
      value={scenario[key]}
      issues={issues}
      onChange={(value) => set({ [key]: value })}
      {...(unit ? { unit } : {})}
    />
  );
  const ramping = scenario.executor === 'ramping-vus' || scenario.executor === 'ramping-arrival-rate';
  return (
    <fieldset className="space-y-3 rounded border border-gray-200 p-3 dark:border-gray-700" data-scenario={index}>
      <legend className="px-1 text-sm font-semibold">Scenario {index + 1}</legend>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <TextField label="Name" path={`${path}.name`} value={scenario.name} issues={issues} onChange={(name) => set({ name })} />
        <SelectField
          label="Executor"
          path={`${path}.executor`}
          value={scenario.executor}
          options={EXECUTOR_CHOICES.map((value) => ({ value, label: EXECUTOR_LABELS[value] }))}
          issues={issues}
          onChange={(executor) => set({ executor })}
        />
        {number('Start after', 'startTime', 's')}
        {scenario.executor === 'preset' && (
          <SelectField
            label="Preset"
            path={`${path}.preset`}
            value={scenario.preset}
            options={PRESETS.map((value) => ({ value, label: value }))}
            issues={issues}
            onChange={(preset) => set({ preset })}
          />
        )}
        {(scenario.executor === 'constant-vus' || scenario.executor === 'preset') && number(scenario.executor === 'preset' ? 'Peak VUs' : 'VUs', 'vus')}
        {scenario.executor === 'ramping-vus' && number('Start VUs', 'startVUs')}
        {scenario.executor === 'constant-arrival-rate' && number('Rate', 'rate', '/s')}
        {scenario.executor === 'ramping-arrival-rate' && number('Start rate', 'startRate', '/s')}
        {(scenario.executor === 'constant-vus' || scenario.executor === 'constant-arrival-rate' || scenario.executor === 'preset') &&
          number('Duration', 'duration', 's')}
        {(scenario.executor === 'constant-arrival-rate' || scenario.executor === 'ramping-arrival-rate') && number('Max VUs', 'maxVUs')}
      </div>
      {ramping && (
        <StagesEditor
          path={`${path}.stages`}
          stages={scenario.stages}
          issues={issues}
          unit={scenario.executor === 'ramping-vus' ? 'VUs' : '/s'}
          onChange={(stages) => set({ stages })}
        />
      )}
      {onRemove && (
        <button type="button" className="text-sm text-red-700 underline dark:text-red-300" onClick={onRemove}>
          Remove scenario {index + 1}
        </button>
      )}
    </fieldset>
  );
}

function StagesEditor(props: { path: string; stages: StageDraft[]; issues: readonly FieldIssue[]; unit: string; onChange(stages: StageDraft[]): void }) {
  const { path, stages, issues } = props;
  const setStage = (i: number, change: Partial<StageDraft>) => props.onChange(stages.map((stage, j) => (i === j ? { ...stage, ...change } : stage)));
  const own = issues.filter((issue) => issue.path === path);
  return (
    <div>
      <p className="text-xs font-semibold">Stages (each moves linearly to its target)</p>
      {stages.map((stage, i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
          <NumberField
            label={`Stage ${i + 1} duration`}
            path={`${path}[${i}].duration`}
            value={stage.duration}
            issues={issues}
            unit="s"
            onChange={(duration) => setStage(i, { duration })}
          />
          <NumberField
            label={`Stage ${i + 1} target`}
            path={`${path}[${i}].target`}
            value={stage.target}
            issues={issues}
            unit={props.unit}
            onChange={(target) => setStage(i, { target })}
          />
          <button
            type="button"
            className="mb-1 text-sm underline"
            aria-label={`Remove stage ${i + 1}`}
            onClick={() => props.onChange(stages.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      {own.length > 0 && <p className="text-xs text-red-700 dark:text-red-300">{own.map((issue) => issue.message).join('; ')}</p>}
      <button
        type="button"
        className="mt-1 text-sm underline"
        onClick={() => props.onChange([...stages, { duration: '10', target: stages.at(-1)?.target ?? '10' }])}
      >
        Add a stage
      </button>
    </div>
  );
}
