import { mergeWindows } from '../merge.js';
import { stepSummary } from '../summarize.js';
import type { Window } from '../window.js';
import type { TimelinePoint } from '@loadtest/protocol';

/** A window with the worker that measured it. */
export type WorkerWindow = Window & { workerId: string };

/**
 * Merges the windows of one bucket (any workers, any seconds in it) into one point.
 * `dropped` counts per window, not per step, so a step filter keeps all of them.
 */
export function bucketPoint(second: number, windows: readonly WorkerWindow[], step?: string): TimelinePoint {
  const merged = mergeWindows(windows, step === undefined ? {} : { step });
  return {
    second,
    ...stepSummary(merged.total, merged.spanMs / 1000),
    dropped: merged.dropped,
    vus: vusInProgress(windows),
    workers: new Set(windows.map((w) => w.workerId)).size,
  };
}

/**
 * VUs in progress in a bucket: each second's VUs added over the workers (each sampled its own at the second's end),
 * then the mean over the bucket's seconds (exact for a 1 s bucket). A worker's VUs are its own, not a step's: a step
 * filter keeps them. Null when no window of the bucket measured them (windows from before format 5).
 */
export function vusInProgress(windows: readonly Window[]): number | null {
  const perSecond = new Map<number, number>();
  for (const window of windows) if (window.vus !== undefined) perSecond.set(window.second, (perSecond.get(window.second) ?? 0) + window.vus);
  if (perSecond.size === 0) return null;
  let total = 0;
  for (const vus of perSecond.values()) total += vus;
  return Math.round((total / perSecond.size) * 10) / 10;
}

/**
 * A timeline built as windows come in second order (`RunRepository.forEachWindow`): each bucket is merged as
 * soon as the next one begins, so that only one bucket's windows are held at a time.
 */
export class TimelineBuckets {
  private readonly points: TimelinePoint[] = [];
  private bucket: WorkerWindow[] = [];
  private bucketStart = -1;

  /** `step`: only this named step's figures (the dropped and VU counts stay the whole window's). */
  constructor(
    readonly bucketSeconds: number,
    private readonly step?: string,
  ) {}

  add(window: WorkerWindow): void {
    const start = Math.floor(window.second / this.bucketSeconds) * this.bucketSeconds;
    if (start !== this.bucketStart && this.bucket.length > 0) {
      this.points.push(bucketPoint(this.bucketStart, this.bucket, this.step));
      this.bucket = [];
    }
    this.bucketStart = start;
    this.bucket.push(window);
  }

  /** The points so far, the last bucket included. */
  finish(): TimelinePoint[] {
    if (this.bucket.length > 0) {
      this.points.push(bucketPoint(this.bucketStart, this.bucket, this.step));
      this.bucket = [];
    }
    return this.points;
  }
}
