import type { RunResource, Timeline } from '@loadtest/protocol';
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiRequest } from '../api/client.js';
import { keys } from '../api/queries.js';
import { runColumns } from '../charts/run-series.js';
import { TimeSeriesChart, type ChartSeries } from '../charts/time-series-chart.js';
import { formatLatency, formatPercent, formatRate } from '../format/figures.js';
import { changeOf, COMPARED_METRICS, type ComparedMetric } from './run-comparison.js';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#7c3aed', '#d97706', '#0891b2'];

const formatValue = (metric: ComparedMetric, value: number | null) =>
  value === null ? '–' : metric.key === 'rps' ? formatRate(value) : metric.key === 'errorRate' ? formatPercent(value) : formatLatency(value);

const formatChange = (metric: ComparedMetric, difference: number) =>
  `${difference > 0 ? '+' : difference < 0 ? '−' : '±'}${formatValue(metric, Math.abs(difference))}`;

/** Two or more runs side by side: charts aligned on run time, and each figure against the first run (the baseline). */
export function ComparePage() {
  const [params] = useSearchParams();
  const ids = (params.get('runs') ?? '').split(',').filter(Boolean);
  const runs = useQueries({ queries: ids.map((id) => ({ queryKey: keys.run(id), queryFn: () => apiRequest<RunResource>(`/runs/${id}`) })) });
  const timelines = useQueries({
    queries: ids.map((id) => ({
      queryKey: [...keys.timeline(id), undefined, undefined, '1s'],
      queryFn: () => apiRequest<Timeline>(`/runs/${id}/timeline?bucket=1s`),
    })),
  });
  const loaded = runs.every((r) => r.data) && timelines.every((t) => t.data);
  const failed = [...runs, ...timelines].find((q) => q.error)?.error ?? null;

  const chart = useMemo(() => {
    if (!loaded) return null;
    const columns = timelines.map((t) => runColumns(t.data!.points));
    // Aligned on run time: second s of every run on one x; a run shorter than another has no point there.
    const last = Math.max(0, ...columns.map((c) => c.seconds.at(-1) ?? 0));
    const seconds = Array.from({ length: last + 1 }, (_, s) => s);
    const align = (column: (number | null)[], own: number[]) => {
      const bySecond = new Map(own.map((second, i) => [second, column[i] ?? null]));
      return seconds.map((s) => bySecond.get(s) ?? null);
    };
    const series = (pick: (c: (typeof columns)[number]) => (number | null)[]): ChartSeries[] =>
      columns.map((c, i) => ({ label: ids[i]!.slice(0, 8), color: COLOURS[i % COLOURS.length]!, values: align(pick(c), c.seconds) }));
    return { seconds, rps: series((c) => c.rps), p95: series((c) => c.p95), p99: series((c) => c.p99) };
  }, [loaded, timelines, ids]);

  if (ids.length < 2)
    return (
      <section aria-labelledby="compare-title">
        <h1 id="compare-title" className="mb-4 text-xl font-semibold">
          Compare runs
        </h1>
        <p>
          Choose two or more runs to compare on the <Link to="/runs">Runs</Link> page.
        </p>
      </section>
    );
  if (failed) return <p role="alert">{failed.message}</p>;
  if (!loaded || !chart) return <p aria-busy="true">Loading…</p>;
  const summaries = runs.map((r) => r.data!.summary);
  const baseline = summaries[0];
  return (
    <section aria-labelledby="compare-title" className="space-y-6">
      <h1 id="compare-title" className="text-xl font-semibold">
        Compare {ids.length} runs
      </h1>
      <div className="grid gap-4 xl:grid-cols-3">
        <TimeSeriesChart title="Requests per second, by run" unit="req/s" seconds={chart.seconds} series={chart.rps} />
        <TimeSeriesChart title="p95 latency, by run" unit="ms" seconds={chart.seconds} series={chart.p95} />
        <TimeSeriesChart title="p99 latency, by run" unit="ms" seconds={chart.seconds} series={chart.p99} />
      </div>
      <table className="w-full text-left text-sm" data-testid="compare-table">
        <thead>
          <tr className="border-b border-gray-300 dark:border-gray-700">
            <th className="py-1">Figure</th>
            {ids.map((id, i) => (
              <th key={id} className="font-mono">
                <Link to={`/runs/${id}`}>{id.slice(0, 8)}</Link> {i === 0 ? '(baseline)' : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {COMPARED_METRICS.map((metric) => (
            <tr key={metric.key} data-metric={metric.key} className="border-b border-gray-100 dark:border-gray-800">
              <th scope="row" className="py-1 font-normal">
                {metric.label}
              </th>
              {summaries.map((summary, i) => {
                const value = summary ? metric.value(summary) : null;
                const change = i === 0 || !baseline || !summary ? null : changeOf(metric, metric.value(baseline), value);
                return (
                  <td key={ids[i]} data-run={ids[i]}>
                    <span data-field="value">{formatValue(metric, value)}</span>
                    {change && (
                      <span
                        data-direction={change.direction}
                        className={`ml-2 text-xs ${change.direction === 'worse' ? 'text-red-700 dark:text-red-300' : change.direction === 'better' ? 'text-green-700 dark:text-green-300' : 'text-gray-600 dark:text-gray-400'}`}
                      >
                        {formatChange(metric, change.difference)}
                        {change.relative !== null &&
                          ` (${change.relative > 0 ? '+' : change.relative < 0 ? '−' : ''}${Math.abs(change.relative * 100).toFixed(1)} %)`}{' '}
                        {change.direction}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
