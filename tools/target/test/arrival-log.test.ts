import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArrivalLog, startTarget, type TargetServer } from '../src/index.js';

describe('ArrivalLog', () => {
  it('counts arrivals per second and per tenth of a second, and the peak concurrency', () => {
    let now = 5_000_000;
    const log = new ArrivalLog(() => now);
    log.connectionOpened();
    log.connectionOpened();
    log.requestStarted(); // 5000.000
    now += 150;
    log.requestStarted(); // 5000.150, 2 in flight
    log.requestEnded();
    now += 900;
    log.connectionClosed();
    log.requestStarted(); // 5001.050
    expect(log.list()).toEqual([
      { second: 5000, arrivals: 2, slices: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], peakConnections: 2, peakInFlight: 2 },
      { second: 5001, arrivals: 1, slices: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], peakConnections: 1, peakInFlight: 2 },
    ]);
    expect(log.list(5001)).toHaveLength(1);
  });
});

describe('target arrivals endpoint', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(() => target.close());

  it('reports what it received per second over HTTP, excluding its own stats calls', async () => {
    await fetch(`${target.url}/__stats`, { method: 'DELETE' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        http.get(`${target.url}${path}`, { agent }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
      });
    await Promise.all([get('/delay/50'), get('/delay/50'), get('/delay/50')]);
    agent.destroy();
    const { seconds } = (await (await fetch(`${target.url}/__stats/arrivals`)).json()) as { seconds: { arrivals: number; peakInFlight: number; peakConnections: number }[] };
    expect(seconds.reduce((n, s) => n + s.arrivals, 0)).toBe(3);
    expect(Math.max(...seconds.map((s) => s.peakInFlight))).toBe(3);
    expect(Math.max(...seconds.map((s) => s.peakConnections))).toBeGreaterThanOrEqual(3);
  });
});
