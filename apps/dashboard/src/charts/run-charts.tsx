import { useMemo } from 'react';
import type { RunColumns } from './run-series.js';
import { TimeSeriesChart, type ChartSeries, type SecondRange } from './time-series-chart.js';

interface RunChartsProps {
  columns: RunColumns;
  range?: SecondRange | null;
  onRange?: (range: SecondRange) => void;
}

/** A run's per-second charts: requests and dropped per second, latency percentiles, errors per second. */
export function RunCharts({ columns, range = null, onRange }: RunChartsProps) {
  // New series only when the columns change: a range selection redraws the selection, not the data.
  const series = useMemo(
    (): Record<'rate' | 'latency' | 'errors', ChartSeries[]> => ({
      rate: [
        { label: 'requests/s', color: '#2563eb', values: columns.rps },
        { label: 'dropped/s', color: '#d97706', values: columns.dropped },
      ],
      latency: [
        { label: 'p50', color: '#16a34a', values: columns.p50 },
        { label: 'p90', color: '#0891b2', values: columns.p90 },
        { label: 'p95', color: '#7c3aed', values: columns.p95 },
        { label: 'p99', color: '#db2777', values: columns.p99 },
        { label: 'max', color: '#6b7280', values: columns.max },
      ],
      errors: [{ label: 'errors/s', color: '#dc2626', values: columns.errors }],
    }),
    [columns],
  );
  const selection = { range, ...(onRange ? { onRange } : {}) };
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <TimeSeriesChart {...selection} title="Requests per second" unit="req/s" seconds={columns.seconds} series={series.rate} />
      <TimeSeriesChart {...selection} title="Latency" unit="ms" seconds={columns.seconds} series={series.latency} />
      <TimeSeriesChart {...selection} title="Errors per second" unit="errors/s" seconds={columns.seconds} series={series.errors} />
    </div>
  );
}
