import type { LatencySummary, RunSummary, StepSummary } from '@loadtest/protocol';
import type { Histogram } from './histogram.js';
import { mergeWindows, type MergedWindows, type MergeOptions } from './merge.js';
import { errorTotal, type StepMetrics, type Window } from './window.js';

/** Reads latency figures from one histogram; null when it holds no sample. */
export function latencySummary(histogram: Histogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  // Min and max are read as percentiles 0 and 100: they give the bucket's bounds, which a
  // histogram keeps through encoding and merging, where raw min/max values would not survive.
  return {
    min: histogram.getValueAtPercentile(0),
    mean: histogram.mean,
    stdev: histogram.stdDeviation,
    p50: histogram.getValueAtPercentile(50),
    p75: histogram.getValueAtPercentile(75),
    p90: histogram.getValueAtPercentile(90),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.getValueAtPercentile(100),
  };
}

export function stepSummary(step: StepMetrics, durationSeconds: number): StepSummary {
  const errorCount = errorTotal(step.errors);
  const attempts = step.requests + errorCount;
  return {
    requests: step.requests,
    bytesIn: step.bytesIn,
    bytesOut: step.bytesOut,
    durationSeconds,
    rps: durationSeconds > 0 ? step.requests / durationSeconds : 0,
    latencyMicros: latencySummary(step.latency),
    statusCodes: step.statusCodes,
    errors: step.errors,
    errorCount,
    errorRate: attempts > 0 ? errorCount / attempts : 0,
    checks: step.checks,
  };
}

export function summarizeMerged(merged: MergedWindows): RunSummary {
  const durationSeconds = merged.spanMs / 1000;
  const steps: Record<string, StepSummary> = {};
  for (const name of [...merged.steps.keys()].sort()) steps[name] = stepSummary(merged.steps.get(name)!, durationSeconds);
  return { ...stepSummary(merged.total, durationSeconds), dropped: merged.dropped, steps };
}

/** The summary of any set of windows, computed from their merged histograms. */
export function summarize(windows: Iterable<Window>, options: MergeOptions = {}): RunSummary {
  return summarizeMerged(mergeWindows(windows, options));
}
