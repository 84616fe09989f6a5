import type { RunStatus, ThresholdOutcome, Verdict } from '@loadtest/protocol';

/** A run passes when it did not fail and every threshold held on everything stored. */
export function runVerdict(state: RunStatus, thresholds: readonly ThresholdOutcome[]): Verdict {
  return state !== 'failed' && thresholds.every((t) => t.ok) ? 'passed' : 'failed';
}
