import type { RunSummary, StepSummary } from '@loadtest/protocol';
import { latencySummary } from './latency-summary.js';
import { mergeWindows, type MergedWindows, type MergeOptions } from './merge.js';
import { errorTotal, type StepMetrics, type Window } from './window.js';

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
