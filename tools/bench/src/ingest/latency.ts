import type { SecondPublished } from './ipc.js';
import type { ReceivedWindow } from './live-clients.js';
import { percentile } from './stats.js';

export interface LatencyFigures {
  /** One per (client, second) that got a complete event: its first complete event's arrival − the last worker's publish of that second, ms. */
  samples: number[];
  /** Samples per second of the run, in order. */
  bySecond: Map<number, number[]>;
  /** (client, second) pairs with no event at all. */
  missing: number;
  /** (client, second) pairs whose last event still missed some workers' windows (no complete event came). */
  incomplete: number;
  /** (client, second) pairs whose last event's requests differ from the requests the simulators published for that second. */
  wrongTotals: number;
  /** The first such pair, in words, to name in a failure. */
  wrongTotalExample: string | null;
  /** Seconds whose first event (at any client) was sent before every window had arrived (missingWorkers > 0). */
  firstSentPartial: number;
  /** Seconds sent again with `revision: true` (a late window folded in). */
  revised: number;
}

/**
 * What a live client is promised, checked per client and second: the second's
 * LAST event (after any revisions) carries exactly the requests the simulated
 * workers published for it, and the latency of second s is the arrival of the
 * first event of s with `missingWorkers` 0 minus the moment the last simulated
 * worker published its window of s (the latest `publishedAt` over the
 * simulator processes). An event sent partial at the master's deadline and
 * revised later is not a failure; its second's latency runs to the revision.
 */
export function windowToSocketLatency(
  published: readonly SecondPublished[],
  received: readonly ReceivedWindow[],
  o: { runId: string; clients: number; durationSeconds: number },
): LatencyFigures {
  const lastPublish = new Map<number, number>();
  const requestsPublished = new Map<number, number>();
  for (const p of published) {
    if (p.runId !== o.runId) continue;
    lastPublish.set(p.second, Math.max(lastPublish.get(p.second) ?? -Infinity, p.publishedAt));
    requestsPublished.set(p.second, (requestsPublished.get(p.second) ?? 0) + p.requests);
  }
  // Per (client, second), in arrival order (the array is): the first complete event and the last event.
  const firstComplete = new Map<string, ReceivedWindow>();
  const last = new Map<string, ReceivedWindow>();
  const firstOfSecond = new Map<number, ReceivedWindow>();
  const revisedSeconds = new Set<number>();
  for (const r of received) {
    if (r.runId !== o.runId || r.second < 0 || r.second >= o.durationSeconds) continue;
    const key = `${r.client}:${r.second}`;
    if (!firstOfSecond.has(r.second)) firstOfSecond.set(r.second, r);
    if (r.revision) revisedSeconds.add(r.second);
    if (r.missingWorkers === 0 && !firstComplete.has(key)) firstComplete.set(key, r);
    last.set(key, r);
  }
  const samples: number[] = [];
  const bySecond = new Map<number, number[]>();
  for (const r of firstComplete.values()) {
    const at = lastPublish.get(r.second);
    if (at === undefined) continue;
    const latency = r.receivedAt - at;
    samples.push(latency);
    const list = bySecond.get(r.second) ?? [];
    list.push(latency);
    bySecond.set(r.second, list);
  }
  let incomplete = 0;
  let wrongTotals = 0;
  let wrongTotalExample: string | null = null;
  for (const r of last.values()) {
    if (r.missingWorkers > 0) incomplete += 1;
    const expected = requestsPublished.get(r.second) ?? 0;
    if (r.requests !== expected) {
      wrongTotals += 1;
      wrongTotalExample ??= `client ${r.client}, second ${r.second}: ${r.requests} requests shown, ${expected} published`;
    }
  }
  return {
    samples,
    bySecond,
    missing: o.clients * o.durationSeconds - last.size,
    incomplete,
    wrongTotals,
    wrongTotalExample,
    firstSentPartial: [...firstOfSecond.values()].filter((r) => r.missingWorkers > 0).length,
    revised: revisedSeconds.size,
  };
}

/** Median latency over the seconds in [from, to). */
export function medianOfSeconds(bySecond: ReadonlyMap<number, number[]>, from: number, to: number): number | null {
  const values: number[] = [];
  for (const [second, list] of bySecond) if (second >= from && second < to) values.push(...list);
  return percentile(values, 50);
}
