import type { RunSummary } from '@loadtest/protocol';

/** A figure compared between runs, and which way is better. */
export interface ComparedMetric {
  key: 'p50' | 'p95' | 'p99' | 'max' | 'rps' | 'errorRate';
  label: string;
  /** The figure of a run's summary; null without responses. Latencies in µs, error rate as 0..1. */
  value(summary: RunSummary): number | null;
  lowerIsBetter: boolean;
}

export const COMPARED_METRICS: readonly ComparedMetric[] = [
  { key: 'p50', label: 'p50', value: (s) => s.latencyMicros?.p50 ?? null, lowerIsBetter: true },
  { key: 'p95', label: 'p95', value: (s) => s.latencyMicros?.p95 ?? null, lowerIsBetter: true },
  { key: 'p99', label: 'p99', value: (s) => s.latencyMicros?.p99 ?? null, lowerIsBetter: true },
  { key: 'max', label: 'max', value: (s) => s.latencyMicros?.max ?? null, lowerIsBetter: true },
  { key: 'rps', label: 'requests/s', value: (s) => s.rps, lowerIsBetter: false },
  { key: 'errorRate', label: 'error rate', value: (s) => s.errorRate, lowerIsBetter: true },
];

export type Direction = 'better' | 'worse' | 'same';

export interface Change {
  /** value − baseline, in the metric's unit. */
  difference: number;
  /** The difference as a fraction of the baseline; null when the baseline is 0. */
  relative: number | null;
  direction: Direction;
}

/**
 * How a run's figure moved from the baseline's. Differences within `sameWithin` of the baseline (relative)
 * count as the same: run-to-run noise should not be painted as a regression.
 */
export function changeOf(metric: ComparedMetric, baseline: number | null, value: number | null, sameWithin = 0.01): Change | null {
  if (baseline === null || value === null) return null;
  const difference = value - baseline;
  const relative = baseline === 0 ? null : difference / baseline;
  const negligible = relative === null ? difference === 0 : Math.abs(relative) <= sameWithin;
  if (negligible) return { difference, relative, direction: 'same' };
  const improved = metric.lowerIsBetter ? difference < 0 : difference > 0;
  return { difference, relative, direction: improved ? 'better' : 'worse' };
}
