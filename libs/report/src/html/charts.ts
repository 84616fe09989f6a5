import { ERROR_KINDS, type ErrorKind, type RunReport } from '@loadtest/protocol';
import { formatCount, formatDuration, formatLatency } from '../format.js';
import { barChart, lineChart } from './svg-chart.js';

const ERROR_COLORS: Record<ErrorKind, string> = {
  timeout: '#d97706',
  refused: '#dc2626',
  reset: '#7c3aed',
  other: '#6b7280',
  interrupted: '#0891b2',
  blocked: '#be185d',
};

/** A rate axis: whole numbers from 10 up (no `20,000.0`), one decimal below. */
const axisRate = (perSecond: number) => (perSecond >= 10 ? formatCount(Math.round(perSecond)) : perSecond.toFixed(1));

/** A latency axis in ms, as short as it can be read. */
const axisMs = (micros: number) => `${Number((micros / 1000).toPrecision(3))} ms`;

/** The report's charts: requests/s, latency percentiles and errors per second over time, and the response-time distribution. */
export function reportCharts(report: RunReport): string {
  const { points, bucketSeconds } = report.timeline;
  const xs = points.map((p) => p.second);
  const charts: string[] = [];
  if (points.length === 0) return '<p class="empty">No measurement was stored for this run: there is nothing to chart.</p>';
  const overTime = { xs, formatX: formatDuration };
  charts.push(
    lineChart({
      ...overTime,
      id: 'rps',
      title: `Requests per second (${bucketSeconds} s buckets)`,
      series: [{ name: 'requests/s', color: '#2563eb', values: points.map((p) => p.requests / bucketSeconds) }],
      formatY: axisRate,
    }),
  );
  charts.push(
    lineChart({
      ...overTime,
      id: 'latency',
      title: 'Latency percentiles',
      series: [
        { name: 'p50', color: '#16a34a', values: points.map((p) => p.latencyMicros?.p50 ?? null) },
        { name: 'p95', color: '#ea580c', values: points.map((p) => p.latencyMicros?.p95 ?? null) },
        { name: 'p99', color: '#dc2626', values: points.map((p) => p.latencyMicros?.p99 ?? null) },
      ],
      formatY: axisMs,
    }),
  );
  // One line per kind of error that happened; a flat "errors" line when none did, so that the chart says so.
  const kinds = ERROR_KINDS.filter((kind) => points.some((p) => p.errors[kind] > 0));
  charts.push(
    lineChart({
      ...overTime,
      id: 'errors',
      title: 'Errors per second, by kind',
      series:
        kinds.length > 0
          ? kinds.map((kind) => ({ name: kind, color: ERROR_COLORS[kind], values: points.map((p) => p.errors[kind] / bucketSeconds) }))
          : [{ name: 'errors (none)', color: '#16a34a', values: points.map(() => 0) }],
      formatY: axisRate,
    }),
  );
  const distribution = report.latencyDistribution;
  if (distribution && distribution.buckets.length > 0) {
    const buckets = distribution.buckets;
    charts.push(
      barChart({
        id: 'distribution',
        title: `Response-time distribution (${distribution.source === 'histogram' ? 'from the latency histogram' : 'estimated from the percentiles'})`,
        bars: buckets.map((b) => ({
          value: b.count,
          tooltip: `${formatLatency(b.fromMicros)} – ${formatLatency(b.toMicros)}: ${formatCount(Math.round(b.count))} responses`,
        })),
        edgeLabels: [...buckets.map((b) => axisMs(b.fromMicros)), axisMs(buckets.at(-1)!.toMicros)],
        formatY: (v) => formatCount(Math.round(v)),
        color: '#2563eb',
      }),
    );
  }
  return charts.join('');
}
