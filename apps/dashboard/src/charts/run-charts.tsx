import { ERROR_KINDS, type ErrorKind } from '@loadtest/protocol';
import { useMemo } from 'react';
import type { PlannedLoad } from './planned-load.js';
import type { RunColumns } from './run-series.js';
import { TimeSeriesChart, type ChartSeries, type SecondRange } from './time-series-chart.js';

// A Record, so that a new error kind cannot be left without a colour (and a series).
const ERROR_COLOURS: Record<ErrorKind, string> = {
  timeout: '#dc2626',
  refused: '#9333ea',
  reset: '#ea580c',
  other: '#6b7280',
  interrupted: '#0891b2',
  blocked: '#be185d',
};

const anyAbove0 = (values: readonly number[]) => values.some((v) => v > 0);

/**
 * One series per error kind and for 4xx/5xx answers, only for those that occurred (each costs a redraw at every
 * live second); errors/s at 0 when none did.
 */
function errorSeries(columns: RunColumns): ChartSeries[] {
  const series: ChartSeries[] = [
    ...ERROR_KINDS.filter((kind) => anyAbove0(columns.errorsByKind[kind])).map((kind) => ({
      label: kind,
      color: ERROR_COLOURS[kind],
      values: columns.errorsByKind[kind],
    })),
    ...(anyAbove0(columns.status4xx) ? [{ label: 'HTTP 4xx', color: '#ca8a04', values: columns.status4xx }] : []),
    ...(anyAbove0(columns.status5xx) ? [{ label: 'HTTP 5xx', color: '#be123c', values: columns.status5xx }] : []),
  ];
  return series.length > 0 ? series : [{ label: 'errors/s', color: '#dc2626', values: columns.errors }];
}

interface RunChartsProps {
  columns: RunColumns;
  range?: SecondRange | null;
  onRange?: (range: SecondRange) => void;
  /** The run's planned load per second (1 s buckets only): drawn beside what was sent. */
  planned?: PlannedLoad | null;
}

/** The planned values at the charts' seconds (null past the plan's end). */
const plannedAt = (seconds: number[], planned: number[]) => seconds.map((second) => planned[second] ?? null);

/** A run's per-second charts: requests and dropped per second, latency percentiles, errors per second. */
export function RunCharts({ columns, range = null, onRange, planned = null }: RunChartsProps) {
  // New series only when the columns change: a range selection redraws the selection, not the data.
  const series = useMemo(
    (): Record<'rate' | 'latency' | 'errors' | 'vus', ChartSeries[]> => ({
      rate: [
        { label: 'requests/s', color: '#2563eb', values: columns.rps },
        { label: 'dropped/s', color: '#d97706', values: columns.dropped },
        ...(planned && planned.rate.some((r) => r > 0)
          ? [{ label: 'planned arrivals/s', color: '#9ca3af', values: plannedAt(columns.seconds, planned.rate) }]
          : []),
      ],
      vus: [
        ...(columns.vus.some((v) => v !== null) ? [{ label: 'VUs in progress', color: '#7c3aed', values: columns.vus }] : []),
        ...(planned && planned.vus.some((v) => v > 0) ? [{ label: 'planned VUs', color: '#9ca3af', values: plannedAt(columns.seconds, planned.vus) }] : []),
      ],
      latency: [
        { label: 'p50', color: '#16a34a', values: columns.p50 },
        { label: 'p90', color: '#0891b2', values: columns.p90 },
        { label: 'p95', color: '#7c3aed', values: columns.p95 },
        { label: 'p99', color: '#db2777', values: columns.p99 },
        { label: 'max', color: '#6b7280', values: columns.max },
      ],
      errors: errorSeries(columns),
    }),
    [columns, planned],
  );
  const selection = { range, ...(onRange ? { onRange } : {}) };
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <TimeSeriesChart {...selection} title="Requests per second" unit="req/s" seconds={columns.seconds} series={series.rate} />
      <TimeSeriesChart {...selection} title="Latency" unit="ms" seconds={columns.seconds} series={series.latency} />
      {series.vus.length > 0 && (
        <TimeSeriesChart {...selection} title="VUs in progress, and planned" unit="VUs" seconds={columns.seconds} series={series.vus} />
      )}
      <TimeSeriesChart {...selection} title="Errors per second, by kind" unit="per s" seconds={columns.seconds} series={series.errors} />
    </div>
  );
}
