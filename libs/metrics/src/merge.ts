import type { ErrorCounts, StatusCounts, WindowData } from '@loadtest/protocol';
import { createLatencyHistogram, decodeHistogram, type Histogram } from './histogram.js';
import { emptyErrorCounts } from './recorder.js';

/** Windows added together: counters summed, histograms added. Nothing is averaged. */
export interface MergedWindows {
  windows: number;
  requests: number;
  bytes: number;
  statusCodes: StatusCounts;
  errors: ErrorCounts;
  histogram: Histogram;
  /** From the earliest window's start to the latest window's end, in ms; 0 when empty. */
  spanMs: number;
}

export function mergeWindows(windows: Iterable<WindowData>): MergedWindows {
  const merged: MergedWindows = {
    windows: 0,
    requests: 0,
    bytes: 0,
    statusCodes: {},
    errors: emptyErrorCounts(),
    histogram: createLatencyHistogram(),
    spanMs: 0,
  };
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  for (const window of windows) {
    merged.windows += 1;
    merged.requests += window.requests;
    merged.bytes += window.bytes;
    for (const [code, n] of Object.entries(window.statusCodes)) {
      merged.statusCodes[code] = (merged.statusCodes[code] ?? 0) + n;
    }
    for (const kind of Object.keys(merged.errors) as (keyof ErrorCounts)[]) {
      merged.errors[kind] += window.errors[kind];
    }
    const histogram = decodeHistogram(window.histogram);
    merged.histogram.add(histogram);
    histogram.destroy();
    startMs = Math.min(startMs, window.second * 1000);
    endMs = Math.max(endMs, window.second * 1000 + window.durationMs);
  }
  merged.spanMs = merged.windows === 0 ? 0 : endMs - startMs;
  return merged;
}
