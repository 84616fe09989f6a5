import type { MergedWindows } from '../merge.js';
import { emptyStep as emptyStepMetrics, errorTotal, type StepMetrics } from '../window.js';
import { evaluateThreshold, type ThresholdData, type ThresholdResult } from './evaluate.js';
import type { ScopedThreshold } from './types.js';

/** The figures a threshold is judged on, read from one step's (or the total's) merged metrics. */
export function thresholdData(step: StepMetrics, durationSeconds: number): ThresholdData {
  const latency = step.latency;
  const has = latency.totalCount > 0;
  return {
    requests: step.requests,
    errors: errorTotal(step.errors),
    durationSeconds,
    checksPassed: step.checks.passed,
    checksFailed: step.checks.failed,
    percentileMicros: (p) => (has ? latency.getValueAtPercentile(p) : null),
    meanMicros: has ? latency.mean : null,
    minMicros: has ? latency.getValueAtPercentile(0) : null,
    maxMicros: has ? latency.getValueAtPercentile(100) : null,
  };
}

export type { ScopedThreshold } from './types.js';

/**
 * Judges thresholds on merged data — never per worker. A step threshold whose
 * step has no data yet is judged on empty figures.
 */
export function evaluateOnMerged(thresholds: readonly ScopedThreshold[], merged: MergedWindows): ThresholdResult[] {
  const seconds = merged.spanMs / 1000;
  return thresholds.map(({ threshold, step }) => {
    const metrics = step === undefined ? merged.total : merged.steps.get(step);
    if (!metrics) return evaluateThreshold(threshold, thresholdData(emptyStepMetrics(), seconds));
    return evaluateThreshold(threshold, thresholdData(metrics, seconds));
  });
}
