import type { LatencySummary, RunSummary, WindowData } from '@loadtest/protocol';
import type { Histogram } from './histogram.js';
import { mergeWindows, type MergedWindows } from './merge.js';

/** Reads latency figures from one histogram; null when it holds no sample. */
export function latencySummary(histogram: Histogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  // Read min and max through percentiles 0 and 100: they give the bucket's bounds, which a
  // histogram keeps through encoding and merging, where raw min/max values would not survive.
  return {
    min: histogram.getValueAtPercentile(0),
    mean: histogram.mean,
    stdev: histogram.stdDeviation,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.getValueAtPercentile(100),
  };
}

const NO_LATENCY: LatencySummary = { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

export function summarizeMerged(merged: MergedWindows): RunSummary {
  const errorCount = merged.errors.timeout + merged.errors.refused + merged.errors.reset + merged.errors.other;
  const attempts = merged.requests + errorCount;
  const durationSeconds = merged.spanMs / 1000;
  return {
    requests: merged.requests,
    bytes: merged.bytes,
    durationSeconds,
    rps: durationSeconds > 0 ? merged.requests / durationSeconds : 0,
    latencyMicros: latencySummary(merged.histogram) ?? NO_LATENCY,
    statusCodes: merged.statusCodes,
    errors: merged.errors,
    errorCount,
    errorRate: attempts > 0 ? errorCount / attempts : 0,
  };
}

/** The summary of any set of windows, computed from their merged histogram. */
export function summarize(windows: Iterable<WindowData>): RunSummary {
  const merged = mergeWindows(windows);
  try {
    return summarizeMerged(merged);
  } finally {
    merged.histogram.destroy();
  }
}
