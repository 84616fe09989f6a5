import { evenSegments, peakConcurrency, segmentConnections, segmentFraction, splitSegment } from '@loadtest/execution';
import { decodeWindowBase64, summarize, windowTotals, type Window } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunAssign, type RunWindow, type Scenario } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, type TargetServer } from '@loadtest/target';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ShareRun } from '@loadtest/engine';
import { shareRunner } from '@loadtest/engine';
import { engineThreads } from '@loadtest/engine';
import { EnginePool } from '@loadtest/engine';
import { ThreadedShareRun } from '@loadtest/engine';

const logger = pino({ level: 'silent' });
const whole = { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } };
const vus = (n: number, duration = 2): Scenario => ({ name: 'vus', executor: 'constant-vus', vus: n, duration, startTime: 0 });
const rate = (rps: number, maxVUs: number, duration = 2): Scenario => ({
  name: 'rate',
  executor: 'constant-arrival-rate',
  rate: rps,
  duration,
  maxVUs,
  startTime: 0,
});
function assignment(target: TargetServer, scenarios: Scenario[], durationSeconds = 2, startLeadMs = 300): RunAssign {
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: '5b1c0e7a-3d2f-4c8e-9a11-7e6f5d4c3b2a',
    workerId: 'w1',
    plan: PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'root', method: 'GET', url: '/' }] }),
    durationSeconds,
    scenarios,
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: 8 },
    segment: whole,
    startAt: Date.now() + startLeadMs,
  };
}

describe('engineThreads', () => {
  it('is the configured count, at most what gives every thread a connection of every scenario, at least 1', () => {
    expect(engineThreads([vus(8)], whole, 2)).toBe(2);
    expect(engineThreads([vus(8)], whole, 16)).toBe(8);
    // A third of 8 VUs is 2⅔: two threads.
    expect(engineThreads([vus(8)], evenSegments(3)[1]!, 4)).toBe(2);
    // The smallest scenario bounds it; an open model counts its maxVUs, not its rate.
    expect(engineThreads([vus(100), vus(3)], whole, 8)).toBe(3);
    expect(engineThreads([rate(1000, 4)], whole, 8)).toBe(4);
    expect(engineThreads([vus(1)], evenSegments(64)[5]!, 8)).toBe(1);
    expect(engineThreads([vus(8)], whole, 1)).toBe(1);
    expect(() => engineThreads([vus(8)], whole, 0)).toThrow(RangeError);
  });

  it('gives every thread at least one connection of every scenario when it uses more than one', () => {
    let threaded = 0;
    for (const workers of [1, 2, 3, 7, 16]) {
      for (const segment of evenSegments(workers)) {
        for (const scenarios of [[vus(5)], [vus(40), rate(300, 13)], [vus(64)], [vus(17), vus(33)]]) {
          const threads = engineThreads(scenarios, segment, 16);
          if (threads === 1) continue;
          threaded += 1;
          for (const sub of splitSegment(segment, threads)) for (const s of scenarios) expect(segmentConnections(sub, s)).toBeGreaterThanOrEqual(1);
          // The most threads with peak × segment length ≥ threads for every scenario (unless the configured count is the bound).
          const bound = Math.min(...scenarios.map((s) => segmentFraction(segment) * peakConcurrency(s)));
          expect(threads).toBeLessThanOrEqual(bound + 1e-9);
          if (threads < 16) expect(threads + 1).toBeGreaterThan(bound + 1e-9);
        }
      }
    }
    expect(threaded).toBeGreaterThan(20);
  });

  it('runs a one-thread share in process, with the plain ShareRun', () => {
    const target = { url: 'http://127.0.0.1:1' } as TargetServer;
    const deps = { logger, publishWindow: async () => undefined, onStarted: () => undefined };
    expect(shareRunner(assignment(target, [vus(8)]), deps, 1).runner).toBeInstanceOf(ShareRun);
    expect(shareRunner(assignment(target, [vus(1)]), deps, 4).runner).toBeInstanceOf(ShareRun);
    const threaded = shareRunner(assignment(target, [vus(8)]), deps, 2);
    expect(threaded).toMatchObject({ threads: 2 });
    expect(threaded.runner).toBeInstanceOf(ThreadedShareRun);
  });
});

describe('ThreadedShareRun on 2 engine threads', () => {
  let target: TargetServer;
  /** Loaded once (through tsx here, over a second on a busy machine) and reused by every run, as a worker does. */
  let pool: EnginePool;
  beforeAll(async () => {
    target = await startTarget();
    pool = new EnginePool(logger);
    await pool.warm(2);
  }, 10_000);
  afterAll(async () => {
    await pool.close();
    await target.close();
  }, 10_000);
  afterEach(() => {
    // Each run gave its threads back, and none of them died.
    expect(pool.size).toBe(2);
  }, 10_000);

  it('merges the threads’ windows of each second exactly and publishes one window per second', async () => {
    target.resetStats();
    const published: RunWindow[] = [];
    const handed: { thread: number; window: Window }[] = [];
    let started = 0;
    const share = new ThreadedShareRun(assignment(target, [vus(8)]), {
      logger,
      threads: 2,
      pool,
      publishWindow: async (w) => void published.push(w),
      onStarted: () => started++,
      onThreadWindow: (thread, w) => handed.push({ thread, window: decodeWindowBase64(w.data) }),
    });
    const outcome = await share.run();
    expect(outcome).toEqual({ state: 'finished', windows: published.length });
    expect(started).toBe(1);
    // Both threads ran, each with windows of its own.
    expect(new Set(handed.map((h) => h.thread))).toEqual(new Set([0, 1]));
    expect(published.map((w) => w.seq)).toEqual(published.map((_, i) => i));
    const seconds = published.map((w) => w.second);
    expect(seconds.slice(0, 2)).toEqual([0, 1]);
    expect(seconds.length).toBeLessThanOrEqual(3);
    const merged = published.map((w) => decodeWindowBase64(w.data));
    for (const window of merged) {
      const totals = windowTotals(window);
      expect(totals.latency.totalCount).toBe(totals.requests);
    }
    // The merge of each second is the sum of what the threads recorded for it.
    for (const window of merged) {
      const parts = handed.filter((h) => h.window.second === window.second).map((h) => h.window);
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(summarize([window])).toEqual(summarize(parts));
      expect(window.durationMs).toBe(Math.max(...parts.map((p) => p.durationMs)));
    }
    expect(summarize(merged)).toEqual(summarize(handed.map((h) => h.window)));
    const requests = summarize(merged).requests;
    const served = target.stats().served;
    expect(requests).toBeGreaterThan(100);
    // A request in flight when a generator closed its connections may be served but not answered: at most one per VU.
    expect(served - requests).toBeGreaterThanOrEqual(0);
    expect(served - requests).toBeLessThanOrEqual(8);
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.log(
      `2 threads, 8 VUs, 2 s: ${published.length} windows (seconds ${seconds.join(',')}), ${handed.length} thread windows, ${requests} requests merged, ${served} served`,
    );
  });

  it('splits an arrival rate exactly: 200 rps for 2 s reach the target as ~400 arrivals', async () => {
    target.resetStats();
    const published: RunWindow[] = [];
    const share = new ThreadedShareRun(assignment(target, [rate(200, 20)]), {
      logger,
      threads: 2,
      pool,
      publishWindow: async (w) => void published.push(w),
      onStarted: () => undefined,
    });
    const outcome = await share.run();
    expect(outcome.state).toBe('finished');
    const summary = summarize(published.map((w) => decodeWindowBase64(w.data)));
    const arrivals = target.arrivals().reduce((sum, s) => sum + s.arrivals, 0);
    expect(summary.dropped).toBe(0);
    expect(arrivals).toBeGreaterThanOrEqual(380);
    expect(arrivals).toBeLessThanOrEqual(420);
    expect(summary.requests).toBeLessThanOrEqual(arrivals);
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.log(
      `2 threads, 200 rps, 2 s: ${arrivals} arrivals at the target, ${summary.requests} responses, ${summary.dropped} dropped, ${published.length} windows`,
    );
  });

  it('stops every thread within a second of stop()', async () => {
    const published: RunWindow[] = [];
    let started = false;
    const share = new ThreadedShareRun(assignment(target, [vus(4, 30)], 30), {
      logger,
      threads: 2,
      pool,
      publishWindow: async (w) => void published.push(w),
      onStarted: () => (started = true),
    });
    const running = share.run();
    const deadline = Date.now() + 5000;
    while (!started && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopAt = Date.now();
    share.stop();
    const outcome = await running;
    const stopMs = Date.now() - stopAt;
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.log(`2 threads stopped in ${stopMs} ms after ${published.length} windows`);
    expect(stopMs).toBeLessThan(1000);
    expect(outcome).toEqual({ state: 'stopped', windows: published.length });
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(published.map((w) => w.seq)).toEqual(published.map((_, i) => i));
  });
});

describe('ThreadedShareRun without a pool', () => {
  it('starts threads of its own, and stops while they are still loading', async () => {
    const target = { url: 'http://127.0.0.1:9' } as TargetServer;
    let started = false;
    // The start instant is after the threads have loaded (through tsx: over a second here): they get the stop while waiting for it.
    const share = new ThreadedShareRun(assignment(target, [vus(4, 30)], 30, 4000), {
      logger,
      threads: 2,
      publishWindow: async () => undefined,
      onStarted: () => (started = true),
    });
    const at = Date.now();
    const running = share.run();
    share.stop();
    expect(await running).toEqual({ state: 'stopped', windows: 0 });
    expect(started).toBe(false);
    // It did not wait for the start instant.
    expect(Date.now() - at).toBeLessThan(3500);
  });
});
