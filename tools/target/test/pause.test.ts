import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { startTarget, type ArrivalSecond, type TargetServer } from '../src/index.js';

describe('target pause', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  /** GETs `path` and resolves with when the response had been read, in epoch ms, and its latency. */
  const timed = async (path: string) => {
    const sent = Date.now();
    const res = await fetch(`${target.url}${path}`);
    await res.text();
    const done = Date.now();
    return { status: res.status, done, latency: done - sent };
  };

  it('holds a response due during a pause until the pause ends, records its arrival at once, and leaves later ones alone', async () => {
    await fetch(`${target.url}/__stats`, { method: 'DELETE' });
    const before = Date.now();
    const res = await fetch(`${target.url}/__pause?ms=500`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { pausedUntil } = (await res.json()) as { pausedUntil: number };
    expect(Date.now() - before).toBeLessThan(200); // answered at once
    expect(pausedUntil).toBeGreaterThanOrEqual(before + 499);
    expect(pausedUntil).toBeLessThanOrEqual(Date.now() + 501);

    const held = timed('/delay/20');
    await sleep(100);
    // The stats endpoints are not held: the arrival is there, the response is not served yet.
    const { seconds } = (await (await fetch(`${target.url}/__stats/arrivals`)).json()) as { seconds: ArrivalSecond[] };
    expect(seconds.reduce((n, s) => n + s.arrivals, 0)).toBe(1);
    expect(target.stats().served).toBe(0);

    const { status, done, latency } = await held;
    expect(status).toBe(200);
    expect(latency).toBeGreaterThanOrEqual(450);
    expect(done).toBeGreaterThanOrEqual(pausedUntil - 2);
    expect(target.stats().served).toBe(1);

    const after = await timed('/delay/20');
    expect(after.status).toBe(200);
    expect(after.latency).toBeLessThan(200);
  });

  it('pause() on the handle also holds responses already in progress, and adds to /delay as a stall would', async () => {
    const inProgress = timed('/delay/50'); // due at about t+50
    await sleep(20);
    const pausedUntil = target.pause(300); // from about t+20 to t+320
    const arrivedDuring = timed('/delay/50'); // due at about t+70: held until the pause ends
    await sleep(350);
    const arrivedAfter = timed('/delay/50'); // arrives about t+370, due t+420: not held
    const [a, b, c] = await Promise.all([inProgress, arrivedDuring, arrivedAfter]);
    expect(a.done).toBeGreaterThanOrEqual(pausedUntil - 2);
    expect(b.done).toBeGreaterThanOrEqual(pausedUntil - 2);
    expect(b.latency).toBeGreaterThanOrEqual(250);
    expect(c.latency).toBeGreaterThanOrEqual(45);
    expect(c.latency).toBeLessThan(200);
  });

  it('refuses a pause that is not from 1 to 60000 ms', async () => {
    for (const query of ['?ms=0', '?ms=60001', '?ms=1.5', '?ms=-5', '?ms=abc', '']) {
      const res = await fetch(`${target.url}/__pause${query}`, { method: 'POST' });
      withMessage(query, () => expect(res.status).toBe(400));
      await withMessage(query, async () => expect(await res.text()).toMatch(/\bms\b/));
    }
    expect((await fetch(`${target.url}/__pause?ms=10`)).status).toBe(405);
    for (const ms of [0, 60_001, 1.5, Number.NaN]) expect(() => target.pause(ms)).toThrow(RangeError);
    // None of these paused the server.
    expect((await timed('/')).latency).toBeLessThan(200);
  });
});
