import type { ThresholdOutcome } from '@loadtest/protocol';
import type { MergedWindows } from '../merge.js';
import { formatThresholdValue } from './format.js';
import { evaluateOnMerged } from './from-merged.js';
import type { ScopedThreshold } from './types.js';

/** Judges thresholds on merged data and words each outcome for the API (live, at the end, and after late windows). */
export function thresholdOutcomes(thresholds: readonly ScopedThreshold[], merged: MergedWindows): ThresholdOutcome[] {
  return evaluateOnMerged(thresholds, merged).map((result, i) => ({
    expression: result.expression,
    step: thresholds[i]!.step ?? null,
    ok: result.ok,
    value: result.value,
    display: formatThresholdValue(thresholds[i]!.threshold, result.value),
  }));
}
