import type { RunResource, TimelineBucket } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { apiRequest } from '../api/client.js';
import { isActive, keys, useRun, useTimeline, useWorkers, type RunSlice } from '../api/queries.js';
import { useAllows } from '../auth/auth-context.js';
import { livePoint, mergePoints, runColumns } from '../charts/run-series.js';
import { plannedLoad } from '../charts/planned-load.js';
import { RunCharts } from '../charts/run-charts.js';
import type { SecondRange } from '../charts/time-series-chart.js';
import { RangePanel } from './range-panel.js';
import { ReportLinks } from './report-links.js';
import { QueryState } from '../components/query-state.js';
import { StateBadge } from '../components/state-badge.js';
import { formatCount, formatLatency, formatPercent, formatRate, formatTime } from '../format/figures.js';
import { useRunLive } from '../live/use-live.js';

/** One run: its figures, per-second charts (stored timeline, then live seconds), steps, workers and thresholds. */
export function RunPage() {
  const { id = '' } = useParams();
  const run = useRun(id);
  return (
    <QueryState isPending={run.isPending} error={run.error}>
      {() => <RunView run={run.data!} />}
    </QueryState>
  );
}

function RunView({ run }: { run: RunResource }) {
  const active = isActive(run);
  // Stopping a run is an operator's: a viewer watches it.
  const operator = useAllows('operator');
  const [slice, setSlice] = useState<RunSlice>({});
  const [range, setRange] = useState<SecondRange | null>(null);
  const timeline = useTimeline(run.id, slice);
  const live = useRunLive(run.id, active);
  const bucketSeconds = timeline.data?.bucketSeconds ?? 1;
  // Live seconds are the whole run's, per second: shown only over the unfiltered 1 s timeline.
  const liveShown = bucketSeconds === 1 && !slice.name && !slice.worker;
  const columns = useMemo(
    () => runColumns(mergePoints(timeline.data?.points ?? [], liveShown ? live.map(livePoint) : []), bucketSeconds),
    [timeline.data, live, liveShown, bucketSeconds],
  );
  const chartRange = { range, onRange: setRange };
  // Computed by libs/execution from the run's stored load, as the workers pace it.
  const planned = useMemo(() => (bucketSeconds === 1 ? plannedLoad(run.load) : null), [run.load, bucketSeconds]);
  const summary = run.summary;
  return (
    <section aria-labelledby="run-title" className="space-y-6">
      <header className="flex flex-wrap items-center gap-3">
        <h1 id="run-title" className="font-mono text-xl font-semibold">
          Run {run.id.slice(0, 8)}
        </h1>
        <span data-testid="run-state">
          <StateBadge state={run.state} />
        </span>
        <StateBadge state={run.verdict} />
        <span className="text-sm text-gray-600 dark:text-gray-400">
          created {formatTime(run.createdAt)} · ended {formatTime(run.endedAt)}
        </span>
        {active && operator && <StopButton runId={run.id} />}
        <ReportLinks runId={run.id} />
      </header>
      {run.error && (
        <p role="status" className="text-amber-800 dark:text-amber-200">
          {run.error}
        </p>
      )}
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8" data-testid="run-figures">
        <Figure name="Requests" value={summary ? formatCount(summary.requests) : '–'} />
        <Figure name="Requests/s" value={summary ? formatRate(summary.rps) : '–'} />
        <Figure name="p50" value={formatLatency(summary?.latencyMicros?.p50)} />
        <Figure name="p95" value={formatLatency(summary?.latencyMicros?.p95)} />
        <Figure name="p99" value={formatLatency(summary?.latencyMicros?.p99)} />
        <Figure name="Max" value={formatLatency(summary?.latencyMicros?.max)} />
        <Figure name="Errors" value={summary ? formatCount(summary.errorCount) : '–'} />
        <Figure name="Dropped" value={summary ? formatCount(summary.dropped) : '–'} />
      </dl>
      <SliceControls run={run} slice={slice} onChange={setSlice} />
      <RunCharts columns={columns} planned={planned} {...chartRange} />
      <RangePanel runId={run.id} range={range} slice={slice} onRange={setRange} lastSecond={Math.max(0, (columns.seconds.at(-1) ?? 0) + bucketSeconds)} />
      {summary && <StepsTable run={run} />}
      <WorkersTable run={run} />
      {run.thresholdResults.length > 0 && <ThresholdsList run={run} />}
    </section>
  );
}

const BUCKETS: readonly TimelineBucket[] = ['1s', '5s', '1m'];
const selectClass = 'rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600';

/** Which part of the run the charts and the range summary show: one step, one worker, and the bucket size. */
function SliceControls({ run, slice, onChange }: { run: RunResource; slice: RunSlice; onChange(slice: RunSlice): void }) {
  const steps = Object.keys(run.summary?.steps ?? {});
  const workers = [...new Set(run.workers.map((w) => w.workerId))];
  return (
    <div className="flex flex-wrap gap-4 text-sm">
      <label>
        Step{' '}
        <select className={selectClass} value={slice.name ?? ''} onChange={(e) => onChange({ ...slice, name: e.target.value || undefined })}>
          <option value="">all steps</option>
          {steps.map((step) => (
            <option key={step} value={step}>
              {step}
            </option>
          ))}
        </select>
      </label>
      <label>
        Worker{' '}
        <select className={selectClass} value={slice.worker ?? ''} onChange={(e) => onChange({ ...slice, worker: e.target.value || undefined })}>
          <option value="">all workers</option>
          {workers.map((worker) => (
            <option key={worker} value={worker}>
              {worker}
            </option>
          ))}
        </select>
      </label>
      <label>
        Bucket{' '}
        <select
          className={selectClass}
          value={slice.bucket ?? ''}
          onChange={(e) => onChange({ ...slice, bucket: (e.target.value || undefined) as TimelineBucket | undefined })}
        >
          <option value="">the run's own</option>
          {BUCKETS.map((bucket) => (
            <option key={bucket} value={bucket}>
              {bucket}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function Figure({ name, value }: { name: string; value: string }) {
  return (
    <div className="rounded border border-gray-200 p-2 dark:border-gray-700" data-figure={name}>
      <dt className="text-xs text-gray-600 dark:text-gray-400">{name}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

function StopButton({ runId }: { runId: string }) {
  const queryClient = useQueryClient();
  const stop = useMutation({
    mutationFn: () => apiRequest<unknown>(`/runs/${runId}/stop`, { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.run(runId) }),
  });
  return (
    <>
      <button
        type="button"
        className="rounded bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 focus:outline-2 focus:outline-offset-2 disabled:opacity-50"
        onClick={() => stop.mutate()}
        disabled={stop.isPending}
      >
        Stop run
      </button>
      {stop.error && <span role="alert">{stop.error.message}</span>}
    </>
  );
}

function StepsTable({ run }: { run: RunResource }) {
  const steps = Object.entries(run.summary?.steps ?? {});
  if (steps.length === 0) return null;
  return (
    <section aria-labelledby="steps-title">
      <h2 id="steps-title" className="mb-2 font-semibold">
        Steps
      </h2>
      <table className="w-full text-left text-sm" data-testid="steps-table">
        <thead>
          <tr className="border-b border-gray-300 dark:border-gray-700">
            <th className="py-1">Step</th>
            <th>Requests</th>
            <th>p50</th>
            <th>p95</th>
            <th>p99</th>
            <th>Error rate</th>
            <th>Checks passed / failed</th>
          </tr>
        </thead>
        <tbody>
          {steps.map(([name, step]) => (
            <tr key={name} data-step={name} className="border-b border-gray-100 dark:border-gray-800">
              <td className="py-1">{name}</td>
              <td>{formatCount(step.requests)}</td>
              <td>{formatLatency(step.latencyMicros?.p50)}</td>
              <td>{formatLatency(step.latencyMicros?.p95)}</td>
              <td>{formatLatency(step.latencyMicros?.p99)}</td>
              <td>{formatPercent(step.errorRate)}</td>
              <td>
                {formatCount(step.checks.passed)} / {formatCount(step.checks.failed)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function WorkersTable({ run }: { run: RunResource }) {
  // The workers' own state (online, busy, missing, lost) beside their share's: a share still `started` on a `missing` worker is the one to watch.
  const workers = useWorkers();
  const workerState = new Map((workers.data?.items ?? []).map((w) => [w.id, w.state]));
  return (
    <section aria-labelledby="shares-title">
      <h2 id="shares-title" className="mb-2 font-semibold">
        Workers of this run
      </h2>
      <table className="w-full text-left text-sm" data-testid="shares-table">
        <thead>
          <tr className="border-b border-gray-300 dark:border-gray-700">
            <th className="py-1">Share</th>
            <th>Share state</th>
            <th>Worker state</th>
            <th>Segment</th>
            <th>Connections</th>
            <th>Windows</th>
            <th>Clock offset</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {run.workers.map((share) => (
            <tr key={share.shareId} className="border-b border-gray-100 dark:border-gray-800">
              <td className="py-1 font-mono">{share.shareId}</td>
              <td>
                <StateBadge state={share.state} />
              </td>
              <td data-field="worker-state">
                <StateBadge state={workerState.get(share.workerId) ?? null} />
              </td>
              <td className="font-mono">
                {share.segment ? `[${share.segment.from.num}/${share.segment.from.den}, ${share.segment.to.num}/${share.segment.to.den})` : '–'}
              </td>
              <td>{share.connections}</td>
              <td>{formatCount(share.windows)}</td>
              <td>{share.clockOffsetMs === null ? '–' : `${share.clockOffsetMs.toFixed(1)} ms${share.clockSkewed ? ' (skewed)' : ''}`}</td>
              <td>{share.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ThresholdsList({ run }: { run: RunResource }) {
  return (
    <section aria-labelledby="thresholds-title">
      <h2 id="thresholds-title" className="mb-2 font-semibold">
        Thresholds
      </h2>
      <ul className="space-y-1 text-sm">
        {run.thresholdResults.map((outcome) => (
          <li key={`${outcome.step ?? ''}:${outcome.expression}`}>
            <StateBadge state={outcome.ok ? 'passed' : 'failed'} />{' '}
            <code>
              {outcome.step ? `${outcome.step}: ` : ''}
              {outcome.expression}
            </code>{' '}
            — {outcome.display}
          </li>
        ))}
      </ul>
    </section>
  );
}
