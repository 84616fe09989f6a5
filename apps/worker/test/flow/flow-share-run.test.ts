import { decodeWindowBase64, summarize } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunAssign, type RunWindow, type Scenario, type Segment } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, type TargetServer } from '@loadtest/target';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShareRun } from '@loadtest/engine';
import { ThreadedShareRun } from '@loadtest/engine';

const logger = pino({ level: 'silent' });
const WHOLE: Segment = { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } };

function assignment(plan: unknown, scenarios: Scenario[], durationSeconds: number, segment: Segment = WHOLE): RunAssign {
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: '3e0c8a1d-6b7f-4e2a-9c5d-1f2e3d4c5b6a',
    workerId: 'w1',
    plan: PlanSchema.parse(plan),
    durationSeconds,
    scenarios,
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: 1 },
    segment,
    startAt: Date.now() + 100,
  };
}

async function run(a: RunAssign) {
  const windows: RunWindow[] = [];
  const outcome = await new ShareRun(a, { logger, publishWindow: async (w) => void windows.push(w), onStarted: () => undefined }).run();
  return { outcome, summary: summarize(windows.map((w) => decodeWindowBase64(w.data))) };
}

const vus = (n: number, duration: number): Scenario => ({ name: 'default', executor: 'constant-vus', vus: n, duration, startTime: 0 });

describe('a flow on a ShareRun, against the mock target', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('logs in, extracts the token, calls /protected with it: no 401, every check passed', async () => {
    target.resetStats();
    const plan = {
      name: 'login',
      baseUrl: target.url,
      steps: [
        {
          name: 'login',
          method: 'POST',
          url: '/login',
          body: { json: { user: 'u', password: 'secret' } },
          extract: [{ var: 'token', jsonPath: '$.token' }],
          checks: [{ status: [200] }],
        },
        {
          name: 'protected',
          method: 'GET',
          url: '/protected',
          headers: { authorization: 'Bearer ${token}' },
          checks: [{ status: [200] }, { jsonPath: '$.ok', equals: true }],
        },
      ],
    };
    const { outcome, summary } = await run(assignment(plan, [vus(3, 1)], 1));
    expect(outcome.state).toBe('finished');
    const stats = target.stats();
    expect(stats.unauthorized).toBe(0);
    const login = summary.steps['login']!;
    const prot = summary.steps['protected']!;
    expect(login.requests).toBeGreaterThan(20);
    expect(prot.requests).toBeGreaterThan(20);
    expect(login.checks).toEqual({ passed: login.requests * 2, failed: 0 });
    expect(prot.checks).toEqual({ passed: prot.requests * 2, failed: 0 });
    expect(stats.byRoute['GET /protected']! - prot.requests).toBeLessThanOrEqual(3);
  });

  it('random think 50–150 ms: the rate is VUs / (mean think + latency) within ±15%', async () => {
    const plan = {
      name: 'think',
      baseUrl: target.url,
      steps: [
        { name: 'ping', method: 'GET', url: '/' },
        { kind: 'think', minMs: 50, maxMs: 150 },
      ],
    };
    const { summary } = await run(assignment(plan, [vus(8, 2)], 2));
    const ping = summary.steps['ping']!;
    const cycle = 0.1 + ping.latencyMicros!.mean / 1e6;
    // Each VU starts a cycle at 0 and sends until 2 s: 2 / cycle cycles, and on average half of one more begun before the end.
    const expected = (8 * (2 / cycle + 0.5)) / 2;
    const rate = ping.requests / 2;
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `think 50–150 ms, 8 VUs: ${rate.toFixed(1)} req/s, expected ${expected.toFixed(1)} (mean latency ${(ping.latencyMicros!.mean / 1000).toFixed(2)} ms)`,
    );
    expect(Math.abs(rate - expected) / expected).toBeLessThanOrEqual(0.15);
  });

  it('honours a step timeout shorter than the run one: a timeout error and a failed check each time', async () => {
    const plan = {
      name: 'slow',
      baseUrl: target.url,
      steps: [{ name: 'slow', method: 'GET', url: '/delay/1500', timeoutSeconds: 1, checks: [{ status: [200] }] }],
    };
    const { summary } = await run(assignment(plan, [vus(2, 2)], 2));
    const slow = summary.steps['slow']!;
    expect(slow.requests).toBe(0);
    expect(slow.errors.timeout).toBeGreaterThanOrEqual(2);
    expect(slow.errors.timeout).toBeLessThanOrEqual(4);
    expect(slow.checks).toEqual({ passed: 0, failed: slow.errors.timeout });
  });

  it('a HEAD request does not wait for the body its Content-Length announces', async () => {
    // The target routes GET only: a HEAD is a 404 whose Content-Length (9) announces a body never sent.
    const plan = { name: 'head', baseUrl: target.url, steps: [{ name: 'head', method: 'HEAD', url: '/status/200', checks: [{ status: [404] }] }] };
    const { summary } = await run(assignment(plan, [vus(2, 1)], 1));
    const head = summary.steps['head']!;
    expect(head.requests).toBeGreaterThan(50);
    expect(head.statusCodes).toEqual({ '404': head.requests });
    expect(head.errors.timeout).toBe(0);
    expect(head.checks).toEqual({ passed: head.requests, failed: 0 });
  });

  it('open model, unique rows with stop over two half segments: each row used once; arrivals past the rows are dropped', async () => {
    target.resetStats();
    const plan = {
      name: 'unique',
      baseUrl: target.url,
      attachments: [{ name: 'rows.csv', text: `id\n${Array.from({ length: 20 }, (_, i) => `r${i}`).join('\n')}\n` }],
      feeders: [{ name: 'row', attachment: 'rows.csv', mode: 'unique' }],
      steps: [{ name: 'row', method: 'GET', url: '/rows/${row.id}' }],
    };
    const scenario: Scenario = { name: 'open', executor: 'constant-arrival-rate', rate: 40, duration: 1.5, maxVUs: 4, startTime: 0 } as Scenario;
    const halves: Segment[] = [
      { from: { num: 0, den: 1 }, to: { num: 1, den: 2 } },
      { from: { num: 1, den: 2 }, to: { num: 1, den: 1 } },
    ];
    const results = await Promise.all(halves.map((segment) => run(assignment(plan, [scenario], 2, segment))));
    const rows = target.stats().rows;
    expect(Object.keys(rows)).toHaveLength(20);
    expect(Object.values(rows).every((n) => n === 1)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.summary.requests, 0)).toBe(20);
    expect(results.reduce((sum, r) => sum + r.summary.dropped, 0)).toBeGreaterThanOrEqual(35);
  });

  it('connections refused: errors and failed checks of the step, and the share ends on time', async () => {
    const closed = await startTarget();
    const url = closed.url;
    await closed.close();
    const plan = {
      name: 'refused',
      baseUrl: url,
      steps: [
        { name: 'r', method: 'GET', url: '/', checks: [{ status: [200] }] },
        { kind: 'think', ms: 20 },
      ],
    };
    const started = Date.now();
    const { outcome, summary } = await run(assignment(plan, [vus(1, 1)], 1));
    expect(outcome.state).toBe('finished');
    expect(Date.now() - started).toBeLessThan(3000);
    const r = summary.steps['r']!;
    expect(r.errors.refused).toBeGreaterThan(5);
    expect(r.checks.passed).toBe(0);
    expect(r.checks.failed).toBeGreaterThanOrEqual(r.errors.refused - 1);
  });

  it('on 2 engine threads (sub-segments of a worker third): unique rows split over the threads, each used once', async () => {
    target.resetStats();
    const plan = {
      name: 'threads',
      baseUrl: target.url,
      attachments: [{ name: 'rows.json', text: JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ id: i }))) }],
      feeders: [{ name: 'row', attachment: 'rows.json', mode: 'unique' }],
      steps: [{ name: 'row', method: 'GET', url: '/rows/${row.id}' }],
    };
    const third: Segment = { from: { num: 1, den: 3 }, to: { num: 2, den: 3 } };
    const windows: RunWindow[] = [];
    const a = { ...assignment(plan, [vus(12, 1)], 1, third), startAt: Date.now() + 2500 };
    const outcome = await new ThreadedShareRun(a, { logger, threads: 2, publishWindow: async (w) => void windows.push(w), onStarted: () => undefined }).run();
    expect(outcome.state).toBe('finished');
    // The middle third of 30 rows: 10..19.
    const rows = target.stats().rows;
    expect(Object.keys(rows).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 10 }, (_, i) => String(10 + i)));
    expect(Object.values(rows).every((n) => n === 1)).toBe(true);
    expect(summarize(windows.map((w) => decodeWindowBase64(w.data))).steps['row']!.requests).toBe(10);
  });
});
