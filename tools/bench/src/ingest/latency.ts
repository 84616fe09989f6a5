import type { SecondPublished } from './ipc.js';
import type { ReceivedWindow } from './live-clients.js';
import { percentile } from './stats.js';

export interface LatencyFigures {
  /** One per (client, second) event received: arrival − the last worker's publish of that second, ms. */
  samples: number[];
  /** Samples per second of the run, in order. */
  bySecond: Map<number, number[]>;
  /** (client, second) pairs with no event. */
  missing: number;
  /** Seconds whose event merged fewer windows than the run has workers. */
  partialSeconds: number;
}

/**
 * Window-to-socket latency: for second s, the time the `run:window` event of s
 * arrived at a client minus the time the last simulated worker published its
 * window of s (the latest `publishedAt` over the simulator processes).
 */
export function windowToSocketLatency(
  published: readonly SecondPublished[],
  received: readonly ReceivedWindow[],
  o: { runId: string; clients: number; durationSeconds: number; workers: number },
): LatencyFigures {
  const lastPublish = new Map<number, number>();
  for (const p of published) {
    if (p.runId !== o.runId) continue;
    lastPublish.set(p.second, Math.max(lastPublish.get(p.second) ?? -Infinity, p.publishedAt));
  }
  const samples: number[] = [];
  const bySecond = new Map<number, number[]>();
  const seen = new Set<string>();
  const partial = new Set<number>();
  for (const r of received) {
    if (r.runId !== o.runId || r.second < 0 || r.second >= o.durationSeconds) continue;
    const key = `${r.client}:${r.second}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.workers < o.workers) partial.add(r.second);
    const at = lastPublish.get(r.second);
    if (at === undefined) continue;
    const latency = r.receivedAt - at;
    samples.push(latency);
    const list = bySecond.get(r.second) ?? [];
    list.push(latency);
    bySecond.set(r.second, list);
  }
  return { samples, bySecond, missing: o.clients * o.durationSeconds - seen.size, partialSeconds: partial.size };
}

/** Median latency over the seconds in [from, to). */
export function medianOfSeconds(bySecond: ReadonlyMap<number, number[]>, from: number, to: number): number | null {
  const values: number[] = [];
  for (const [second, list] of bySecond) if (second >= from && second < to) values.push(...list);
  return percentile(values, 50);
}
