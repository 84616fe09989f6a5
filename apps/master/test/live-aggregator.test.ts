import { parseThreshold, WindowRecorder } from '@loadtest/metrics';
import type { LiveWindowEvent } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { LiveAggregator, type LiveWindow } from '../src/live/live-aggregator.js';

const RUN = '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01';

function window(workerId: string, second: number, latencies: number[]): LiveWindow {
  const recorder = new WindowRecorder();
  for (const micros of latencies) recorder.recordResponse('r', 200, 10, 5, micros);
  return { runId: RUN, workerId, ...recorder.take(second, 1000) };
}

describe('LiveAggregator', () => {
  it('tells how long after its end each second went out (the live lag), for a run whose start is known', () => {
    const lags: number[] = [];
    let now = 0;
    const live = new LiveAggregator({ emit: () => undefined, graceMs: 1500, now: () => now, onSent: (lag) => lags.push(lag) });
    live.trackRun(RUN, 2, [], 10_000);
    now = 11_200;
    live.addWindow(window('a', 0, [100]));
    live.addWindow(window('b', 0, [100]));
    now = 12_050;
    live.addWindow(window('a', 1, [100]));
    now = 13_700;
    live.tick();
    // Second 0 ended at 11 000 and went out at 11 200; second 1 ended at 12 000 and waited out its grace (1 500 ms after its first window).
    expect(lags).toEqual([200, 1700]);
  });

  it('sends one merged event per second once every worker delivered it, holding that second only', () => {
    const events: LiveWindowEvent[] = [];
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 1500, now: () => 0 });
    live.trackRun(RUN, 2);
    live.addWindow(window('a', 0, [100, 200]));
    expect(events).toEqual([]);
    live.addWindow(window('b', 0, [300]));
    live.addWindow(window('a', 1, [1000]));
    live.addWindow(window('b', 1, [2000, 3000]));
    expect(events.map((e) => [e.second, e.requests, e.workers])).toEqual([
      [0, 3, 2],
      [1, 3, 2],
    ]);
    expect(events[0]!.latencyMicros!.max).toBeGreaterThanOrEqual(300);
    expect(events[1]!.latencyMicros!.min).toBeGreaterThanOrEqual(1000);
  });

  it('ignores a duplicate window and sends a second without a slow worker once its grace ran out, in order', () => {
    const events: LiveWindowEvent[] = [];
    let now = 0;
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 1500, now: () => now });
    live.trackRun(RUN, 2);
    live.addWindow(window('a', 0, [100]));
    live.addWindow(window('a', 0, [100]));
    live.addWindow(window('a', 1, [100]));
    live.addWindow(window('b', 1, [100]));
    expect(events).toEqual([]);
    now = 1600;
    live.tick();
    expect(events.map((e) => [e.second, e.requests])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(events.map((e) => [e.second, e.missingWorkers, e.revision])).toEqual([
      [0, 1, false],
      [1, 0, false],
    ]);
    // Late: folded into its second, which is sent again at the next tick as a revision, whole.
    live.addWindow(window('b', 0, [100]));
    expect(events).toHaveLength(2);
    live.tick();
    expect(events.map((e) => [e.second, e.requests, e.workers, e.missingWorkers, e.revision])[2]).toEqual([0, 2, 2, 0, true]);
    // A second copy of it changes nothing.
    live.addWindow(window('b', 0, [100]));
    live.tick();
    expect(events).toHaveLength(3);
  });

  it('sends a second at its deadline after its end with the shares missing, revises it when the late window comes, and judges the thresholds on everything', () => {
    const events: LiveWindowEvent[] = [];
    let now = 10_000;
    const threshold = parseThreshold('requests>=4');
    if (!threshold.ok) throw new Error(threshold.error);
    const live = new LiveAggregator({ emit: (e) => events.push(e), deadlineMs: 500, graceMs: 60_000, now: () => now });
    // Three workers; the run started at 10 000, so second 0 ends at 11 000 and is due at 11 500 at the latest.
    live.trackRun(RUN, 3, [{ threshold: threshold.threshold }], 10_000);
    now = 11_050;
    live.addWindow(window('a', 0, [100]));
    live.addWindow(window('b', 0, [200]));
    now = 11_499;
    live.tick();
    expect(events).toEqual([]);
    now = 11_500;
    live.tick();
    expect(events.map((e) => [e.second, e.requests, e.workers, e.missingWorkers, e.revision, e.thresholds[0]!.ok])).toEqual([[0, 2, 2, 1, false, false]]);
    // Second 1 complete on time, then c's window of second 0 arrives late.
    now = 12_100;
    for (const id of ['a', 'b', 'c']) live.addWindow(window(id, 1, [100]));
    now = 12_900;
    live.addWindow(window('c', 0, [5000, 6000]));
    live.tick();
    expect(events.map((e) => [e.second, e.requests, e.workers, e.missingWorkers, e.revision])).toEqual([
      [0, 2, 2, 1, false],
      [1, 3, 3, 0, false],
      [0, 4, 3, 0, true],
    ]);
    // The revision is the whole second (its latency includes c's), and the thresholds count every window: 2 + 3 + 2.
    expect(events[2]!.latencyMicros!.max).toBeGreaterThanOrEqual(6000);
    expect(events[2]!.thresholds[0]).toMatchObject({ ok: true, value: 7 });
    // The live seconds, each taken at its last revision, add up to every window sent.
    const last = new Map(events.map((e) => [e.second, e]));
    expect([...last.values()].reduce((sum, e) => sum + e.requests, 0)).toBe(7);
  });

  it('keeps a bounded number of sent seconds for revisions; an older late window is left to the stored timeline', () => {
    const events: LiveWindowEvent[] = [];
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 0, revisableSeconds: 5, now: () => 0 });
    live.trackRun(RUN, 2);
    // b is silent: each second goes out at once (no grace) with a alone.
    for (let second = 0; second < 20; second++) live.addWindow(window('a', second, [100]));
    expect(events).toHaveLength(20);
    expect(live.footprint(RUN)).toEqual({ pendingSeconds: 0, revisableSeconds: 5 });
    // b's window of second 2 is too old to revise live (it is stored: the timeline has it); that of second 17 is not.
    live.addWindow(window('b', 2, [100]));
    live.tick();
    expect(events).toHaveLength(20);
    live.addWindow(window('b', 17, [100]));
    live.tick();
    expect(events.at(-1)).toMatchObject({ second: 17, requests: 2, workers: 2, missingWorkers: 0, revision: true });
  });

  it('sends a revised second once per tick however many late windows came: its figures cost a pass over the histograms', () => {
    const events: LiveWindowEvent[] = [];
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 0, now: () => 0 });
    live.trackRun(RUN, 50);
    live.addWindow(window('w0', 0, [100]));
    expect(events).toHaveLength(1);
    for (let i = 1; i < 50; i++) live.addWindow(window(`w${i}`, 0, [100]));
    expect(events).toHaveLength(1);
    live.tick();
    expect(events.map((e) => [e.second, e.requests, e.missingWorkers, e.revision])).toEqual([
      [0, 1, 49, false],
      [0, 50, 0, true],
    ]);
    live.tick();
    expect(events).toHaveLength(2);
  });

  it('waits for the shares set after a loss: a split lost share sends more windows per second than the run began with', () => {
    const events: LiveWindowEvent[] = [];
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 60_000, now: () => 0 });
    live.trackRun(RUN, 3);
    // c was lost; a and b each run their own share and a part of c's.
    live.setWorkers(RUN, 4);
    for (const id of ['a', 'b', 'a~1']) live.addWindow(window(id, 5, [100]));
    expect(events).toEqual([]);
    live.addWindow(window('b~1', 5, [100]));
    expect(events.map((e) => [e.second, e.requests, e.workers])).toEqual([[5, 4, 4]]);
  });

  it('flushes what is pending when the run ends', () => {
    const events: LiveWindowEvent[] = [];
    const live = new LiveAggregator({ emit: (e) => events.push(e), graceMs: 60_000, now: () => 0 });
    live.trackRun(RUN, 3);
    live.addWindow(window('a', 4, [100]));
    live.endRun(RUN);
    expect(events.map((e) => e.second)).toEqual([4]);
  });
});
