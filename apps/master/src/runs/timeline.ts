import { latencySummary, mergeWindows } from '@loadtest/metrics';
import type { TimelinePoint, WindowData } from '@loadtest/protocol';

/** Merges the windows of one second (from any workers) into one point. */
export function mergeSecond(second: number, windows: readonly WindowData[]): TimelinePoint {
  const merged = mergeWindows(windows);
  try {
    return {
      second,
      requests: merged.requests,
      bytes: merged.bytes,
      statusCodes: merged.statusCodes,
      errors: merged.errors,
      latencyMicros: latencySummary(merged.histogram),
      workers: windows.length,
    };
  } finally {
    merged.histogram.destroy();
  }
}

/** One point per second that has windows, in order, each merged over its workers. */
export function timelinePoints(windows: readonly WindowData[]): TimelinePoint[] {
  const bySecond = new Map<number, WindowData[]>();
  for (const window of windows) {
    const list = bySecond.get(window.second);
    if (list) list.push(window);
    else bySecond.set(window.second, [window]);
  }
  return [...bySecond.keys()].sort((a, b) => a - b).map((second) => mergeSecond(second, bySecond.get(second)!));
}
