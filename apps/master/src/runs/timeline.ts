import { mergeWindows, stepSummary, type Window } from '@loadtest/metrics';
import type { TimelinePoint } from '@loadtest/protocol';

/** A window with the worker that measured it. */
export type WorkerWindow = Window & { workerId: string };

/** Merges the windows of one bucket (any workers, any seconds in it) into one point. */
export function bucketPoint(second: number, windows: readonly WorkerWindow[], step?: string): TimelinePoint {
  const merged = mergeWindows(windows, step === undefined ? {} : { step });
  return { second, ...stepSummary(merged.total, merged.spanMs / 1000), workers: new Set(windows.map((w) => w.workerId)).size };
}

/** One point per bucket of `bucketSeconds` that has windows, in order. */
export function timelinePoints(windows: readonly WorkerWindow[], bucketSeconds = 1, step?: string): TimelinePoint[] {
  const buckets = new Map<number, WorkerWindow[]>();
  for (const window of windows) {
    const start = Math.floor(window.second / bucketSeconds) * bucketSeconds;
    const list = buckets.get(start);
    if (list) list.push(window);
    else buckets.set(start, [window]);
  }
  return [...buckets.keys()].sort((a, b) => a - b).map((start) => bucketPoint(start, buckets.get(start)!, step));
}
