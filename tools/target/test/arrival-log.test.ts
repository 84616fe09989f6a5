import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ArrivalLog, startTarget, type ArrivalSecond, type TargetServer } from '../src/index.js';

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
      { second: 5000, arrivals: 2, slices: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], peakConnections: 2, peakInFlight: 2, meanInFlight: 1 },
      // Both connections were still open from 5001.000 to 5001.050, and one request in progress.
      { second: 5001, arrivals: 1, slices: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], peakConnections: 2, peakInFlight: 2, meanInFlight: 0.05 },
    ]);
    expect(log.list(5001)).toHaveLength(1);
  });

  it('averages the requests in progress over each second, across seconds and in seconds without arrivals', () => {
    let now = 7_000_500;
    const log = new ArrivalLog(() => now);
    log.requestStarted(); // A at 7000.500
    now += 250;
    log.requestStarted(); // B at 7000.750
    now += 150;
    log.requestEnded(); // B at 7000.900
    now = 7_001_500;
    // A second still in progress shows what it has so far.
    expect(log.list(7001)).toMatchObject([{ second: 7001, arrivals: 0, meanInFlight: 0.5 }]);
    now = 7_003_250;
    log.requestEnded(); // A at 7003.250
    now = 7_009_000;
    const mean = (s: ArrivalSecond) => [s.second, s.arrivals, s.peakInFlight, s.meanInFlight];
    expect(log.list().map(mean)).toEqual([
      [7000, 2, 2, 0.65], // 250 ms with A, 150 ms with A and B, 100 ms with A
      [7001, 0, 1, 1],
      [7002, 0, 1, 1],
      [7003, 0, 1, 0.25],
    ]);
  });

  it('counts requests in progress from a clear on, not before', () => {
    let now = 9_000_000;
    const log = new ArrivalLog(() => now);
    log.requestStarted();
    now += 1_600;
    log.clear();
    now += 200;
    log.requestEnded();
    expect(log.list()).toMatchObject([{ second: 9001, arrivals: 0, meanInFlight: 0.2 }]);
  });
});

describe('target arrivals endpoint', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('reports what it received per second over HTTP, excluding its own stats calls', async () => {
    await fetch(`${target.url}/__stats`, { method: 'DELETE' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        http.get(`${target.url}${path}`, { agent }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
      });
    await Promise.all([get('/delay/50'), get('/delay/50'), get('/delay/50')]);
    agent.destroy();
    const { seconds } = (await (await fetch(`${target.url}/__stats/arrivals`)).json()) as {
      seconds: { arrivals: number; peakInFlight: number; peakConnections: number }[];
    };
    expect(seconds.reduce((n, s) => n + s.arrivals, 0)).toBe(3);
    expect(Math.max(...seconds.map((s) => s.peakInFlight))).toBe(3);
    expect(Math.max(...seconds.map((s) => s.peakConnections))).toBeGreaterThanOrEqual(3);
  });

  it('reports the mean number of requests in progress over a full second', async () => {
    // Two clients keep /delay/100 requests going back to back over the whole of one epoch second,
    // starting at least 300 ms before it (warm-up).
    const second = Math.floor((Date.now() + 300) / 1000) + 1;
    const until = (second + 1) * 1000 + 100;
    const client = async () => {
      while (Date.now() < until) await (await fetch(`${target.url}/delay/100`)).text();
    };
    await Promise.all([client(), client()]);
    const { seconds } = (await (await fetch(`${target.url}/__stats/arrivals?from=${second}`)).json()) as { seconds: ArrivalSecond[] };
    const full = seconds.find((s) => s.second === second)!;
    expect(full.meanInFlight).toBeGreaterThanOrEqual(1.75);
    expect(full.meanInFlight).toBeLessThanOrEqual(2.25);
    expect(full.peakInFlight).toBe(2);
  });
});
