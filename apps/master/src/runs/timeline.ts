import { mergeWindows, stepSummary, type Window } from '@loadtest/metrics';
import type { TimelinePoint } from '@loadtest/protocol';

/** A window with the worker that measured it. */
export type WorkerWindow = Window & { workerId: string };

/**
 * Merges the windows of one bucket (any workers, any seconds in it) into one point.
 * `dropped` counts per window, not per step, so a step filter keeps all of them.
 */
export function bucketPoint(second: number, windows: readonly WorkerWindow[], step?: string): TimelinePoint {
  const merged = mergeWindows(windows, step === undefined ? {} : { step });
  return { second, ...stepSummary(merged.total, merged.spanMs / 1000), dropped: merged.dropped, workers: new Set(windows.map((w) => w.workerId)).size };
}
