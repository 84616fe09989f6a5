import { httpSteps, type FieldIssue, type RunResource } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, apiRequest } from '../api/client.js';
import { keys, usePlan, useWorkers } from '../api/queries.js';
import { TimeSeriesChart } from '../charts/time-series-chart.js';
import { QueryState } from '../components/query-state.js';
import { useWorkerEvents } from '../live/use-live.js';
import { NumberField, SelectField, TextField } from './field.js';
import { checkDraft, newDraft, newScenario, type LaunchDraft } from './launch-draft.js';
import { ScenarioEditor } from './scenario-editor.js';

/** Launch a run of a plan: scenarios, thresholds and worker-loss policy, checked as you type, with the planned load drawn. */
export function LaunchPage() {
  const { id = '' } = useParams();
  const plan = usePlan(id);
  return (
    <QueryState isPending={plan.isPending} error={plan.error}>
      {() => <LaunchForm planId={id} planName={plan.data!.name} steps={httpSteps(plan.data!.steps).map((step) => step.name)} />}
    </QueryState>
  );
}

function LaunchForm({ planId, planName, steps }: { planId: string; planName: string; steps: string[] }) {
  useWorkerEvents();
  const workers = useWorkers();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<LaunchDraft>(newDraft);
  const [apiIssues, setApiIssues] = useState<FieldIssue[]>([]);
  const check = useMemo(() => checkDraft(draft, steps), [draft, steps]);
  const issues = check.ok ? apiIssues : [...check.issues, ...apiIssues];
  const update = (change: (draft: LaunchDraft) => LaunchDraft) => {
    setApiIssues([]);
    setDraft(change);
  };
  const idle = (workers.data?.items ?? []).filter((w) => w.state === 'online');
  const capacity = idle.reduce((sum, w) => sum + (w.capabilities?.maxConnections ?? 0), 0);
  const start = useMutation({
    mutationFn: (body: unknown) => apiRequest<RunResource>(`/plans/${planId}/runs`, { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: keys.runs });
      void navigate(`/runs/${run.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) setApiIssues(error.body?.issues ?? []);
    },
  });
  const conflict = start.error instanceof ApiError && start.error.status !== 400 ? start.error : null;
  const unplaced = issues.filter(
    (issue) =>
      !issue.path.startsWith('scenarios[') && !issue.path.startsWith('thresholds[') && issue.path !== 'onWorkerLoss' && issue.path !== 'timeoutSeconds',
  );

  return (
    <form
      className="space-y-5"
      aria-labelledby="launch-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (check.ok) start.mutate(check.body);
      }}
    >
      <h1 id="launch-title" className="text-xl font-semibold">
        Launch a run of <Link to="/runs">{planName}</Link>
      </h1>
      {draft.scenarios.map((scenario, index) => (
        <ScenarioEditor
          key={index}
          index={index}
          scenario={scenario}
          issues={issues}
          onChange={(next) => update((d) => ({ ...d, scenarios: d.scenarios.map((s, i) => (i === index ? next : s)) }))}
          onRemove={draft.scenarios.length > 1 ? () => update((d) => ({ ...d, scenarios: d.scenarios.filter((_, i) => i !== index) })) : null}
        />
      ))}
      <button
        type="button"
        className="rounded border border-gray-300 px-3 py-1 text-sm dark:border-gray-600"
        onClick={() => update((d) => ({ ...d, scenarios: [...d.scenarios, newScenario(d.scenarios.length)] }))}
      >
        Add a scenario
      </button>

      <fieldset className="space-y-2 rounded border border-gray-200 p-3 dark:border-gray-700">
        <legend className="px-1 text-sm font-semibold">Thresholds</legend>
        {draft.thresholds.map((threshold, index) => (
          <div key={index} className="grid grid-cols-[2fr_1fr_auto_auto] items-end gap-2" data-threshold={index}>
            <TextField
              label={`Threshold ${index + 1}`}
              path={`thresholds[${index}].expression`}
              value={threshold.expression}
              placeholder="p(95) < 300ms"
              issues={issues}
              onChange={(expression) => update((d) => ({ ...d, thresholds: d.thresholds.map((t, i) => (i === index ? { ...t, expression } : t)) }))}
            />
            <SelectField
              label="On"
              path={`thresholds[${index}].step`}
              value={threshold.step}
              options={[{ value: '', label: 'the whole run' }, ...steps.map((step) => ({ value: step, label: `step ${step}` }))]}
              issues={issues}
              onChange={(step) => update((d) => ({ ...d, thresholds: d.thresholds.map((t, i) => (i === index ? { ...t, step } : t)) }))}
            />
            <label className="mb-1 text-sm">
              <input
                type="checkbox"
                checked={threshold.abortOnFail}
                onChange={(event) =>
                  update((d) => ({ ...d, thresholds: d.thresholds.map((t, i) => (i === index ? { ...t, abortOnFail: event.target.checked } : t)) }))
                }
              />{' '}
              abort on fail
            </label>
            <button
              type="button"
              className="mb-1 text-sm underline"
              onClick={() => update((d) => ({ ...d, thresholds: d.thresholds.filter((_, i) => i !== index) }))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="text-sm underline"
          onClick={() => update((d) => ({ ...d, thresholds: [...d.thresholds, { expression: 'p(95) < 300ms', step: '', abortOnFail: false }] }))}
        >
          Add a threshold
        </button>
      </fieldset>

      <div className="grid max-w-xl grid-cols-2 gap-3">
        <SelectField
          label="When a worker is lost"
          path="onWorkerLoss"
          value={draft.onWorkerLoss}
          options={[
            { value: 'rebalance', label: 'rebalance its share' },
            { value: 'continue', label: 'continue without it' },
            { value: 'abort', label: 'abort the run' },
          ]}
          issues={issues}
          onChange={(onWorkerLoss) => update((d) => ({ ...d, onWorkerLoss }))}
        />
        <NumberField
          label="Request timeout"
          path="timeoutSeconds"
          value={draft.timeoutSeconds}
          unit="s"
          issues={issues}
          onChange={(timeoutSeconds) => update((d) => ({ ...d, timeoutSeconds }))}
        />
      </div>

      {check.ok && (
        <TimeSeriesChart
          title="Planned load"
          unit="VUs · req/s"
          seconds={check.planned.seconds}
          series={[
            { label: 'VUs (closed models)', color: '#2563eb', values: check.planned.vus },
            { label: 'arrivals/s (open models)', color: '#16a34a', values: check.planned.rate },
          ]}
        />
      )}

      <section aria-labelledby="capacity-title" className="text-sm">
        <h2 id="capacity-title" className="font-semibold">
          Workers
        </h2>
        <p data-testid="capacity">
          {idle.length} idle worker{idle.length === 1 ? '' : 's'}, {capacity.toLocaleString('en-US')} connections together
          {check.ok && <> · this run needs {check.planned.peakConnections.toLocaleString('en-US')}</>}
        </p>
        {check.ok && check.planned.peakConnections > capacity && idle.length > 0 && (
          <p role="alert" className="text-amber-800 dark:text-amber-200">
            More connections than the idle workers hold: the master will refuse this run.
          </p>
        )}
      </section>

      {unplaced.length > 0 && (
        <ul role="alert" className="text-sm text-red-700 dark:text-red-300">
          {unplaced.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? `${issue.path}: ` : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
      {conflict && (
        <p role="alert" className="text-red-700 dark:text-red-300" data-testid="launch-refused">
          {conflict.status}: {conflict.message}
        </p>
      )}
      <button
        type="submit"
        disabled={!check.ok || start.isPending}
        className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50"
      >
        Start run
      </button>
    </form>
  );
}
