import { decodeWindowBase64, summarize } from '@loadtest/metrics';
import { PlanObjectSchema, PROTOCOL_VERSION, type RunAssign, type RunWindow } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, type TargetServer } from '@loadtest/target';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShareRun } from '@loadtest/engine';

const logger = pino({ level: 'silent' });

/** A constant-vus share of `connections` for `durationSeconds`, unless the overrides say otherwise. */
function assignment(target: { url: string }, overrides: Partial<RunAssign> & { connections?: number } = {}): RunAssign {
  const { connections = 4, ...rest } = overrides;
  const durationSeconds = rest.durationSeconds ?? 2;
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
    workerId: 'w1',
    plan: PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'root', method: 'GET', url: '/' }] }),
    durationSeconds,
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: connections, duration: durationSeconds, startTime: 0 }],
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + 200,
    ...rest,
  };
}

describe('ShareRun', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('publishes one window per second since the start instant, and every response it recorded', async () => {
    target.resetStats();
    const windows: RunWindow[] = [];
    let started = 0;
    const share = new ShareRun(assignment(target), { logger, publishWindow: async (w) => void windows.push(w), onStarted: () => started++ });
    const outcome = await share.run();
    expect(outcome).toEqual({ state: 'finished', windows: 2 });
    expect(started).toBe(1);
    expect(windows.map((w) => [w.seq, w.second])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    const decoded = windows.map((w) => decodeWindowBase64(w.data));
    // The first window starts when the generator did, a few ms after the start instant at most.
    expect(decoded[0]!.durationMs).toBeGreaterThan(950);
    expect(decoded[1]!.durationMs).toBe(1000);
    const summary = summarize(decoded);
    const served = target.stats().served;
    expect(summary.requests).toBeGreaterThan(100);
    // The requests in flight at the end were answered within the gracefulStop, and counted.
    expect(summary.requests).toBe(served);
    expect(summary.errors.interrupted).toBe(0);
    expect(summary.statusCodes).toEqual({ '200': summary.requests });
    expect(summary.latencyMicros!.p50).toBeGreaterThan(0);
    // Every response belongs to the plan's step, with the bytes it sent and received.
    expect(Object.keys(summary.steps)).toEqual(['root']);
    expect(summary.bytesOut).toBeGreaterThan(summary.requests * 10);
    expect(summary.bytesIn).toBeGreaterThan(summary.requests * 10);
  });

  it('samples the VUs in progress as each second closes: every VU of a flow that is thinking, none after the end', async () => {
    const windows: RunWindow[] = [];
    // 3 VUs, each iteration one request then a 5 s think: at every second's end all 3 are in an iteration.
    const plan = PlanSchema.parse({
      name: 'p',
      baseUrl: target.url,
      steps: [
        { name: 'root', method: 'GET', url: '/' },
        { kind: 'think', ms: 5000 },
      ],
    });
    const share = new ShareRun(
      assignment(target, {
        plan,
        connections: 3,
        durationSeconds: 3,
        scenarios: [{ name: 'default', executor: 'constant-vus', vus: 3, duration: 3, startTime: 0, gracefulStop: 0 }],
      }),
      {
        logger,
        publishWindow: async (w) => void windows.push(w),
        onStarted: () => undefined,
      },
    );
    await share.run();
    const vus = windows.map((w) => decodeWindowBase64(w.data).vus);
    expect(vus.slice(0, 2)).toEqual([3, 3]);
    // The last window closes when the scenario has ended: no VU is in progress any more.
    expect(vus.at(-1)).toBe(0);
  });

  it('counts an unpaced constant-VUs share’s VUs as in progress while it sends', async () => {
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(target, { connections: 4, durationSeconds: 2 }), {
      logger,
      publishWindow: async (w) => void windows.push(w),
      onStarted: () => undefined,
    });
    await share.run();
    const first = decodeWindowBase64(windows[0]!.data).vus!;
    // Sampled between two I/O callbacks: each connection has its request in flight, or has just had its answer.
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(4);
  });

  it('names the step of a request that timed out in a sequence (not the step sent after it)', async () => {
    const plan = PlanSchema.parse({
      name: 'p',
      baseUrl: target.url,
      steps: [
        { name: 'quick', method: 'GET', url: '/' },
        { name: 'slow', method: 'GET', url: '/delay/1500' },
      ],
    });
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(target, { plan, connections: 2, durationSeconds: 3, timeoutSeconds: 1 }), {
      logger,
      publishWindow: async (w) => void windows.push(w),
      onStarted: () => undefined,
    });
    await share.run();
    const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
    expect(summary.steps.slow!.errors.timeout).toBeGreaterThanOrEqual(2);
    expect(summary.steps.quick!.errors.timeout).toBe(0);
    expect(summary.steps.quick!.requests).toBeGreaterThanOrEqual(2);
  });

  it('answers HEAD requests of a plain plan (they run on the flow path, which expects no body)', async () => {
    const plan = PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'head', method: 'HEAD', url: '/' }] });
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(target, { plan, connections: 2, durationSeconds: 1 }), {
      logger,
      publishWindow: async (w) => void windows.push(w),
      onStarted: () => undefined,
    });
    await share.run();
    const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
    expect(summary.requests).toBeGreaterThan(50);
    expect(summary.errors).toEqual({ timeout: 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 });
  });

  it('stops within a second of stop() and reports the partial window', async () => {
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(target, { durationSeconds: 30 }), {
      logger,
      publishWindow: async (w) => void windows.push(w),
      onStarted: () => undefined,
    });
    const running = share.run();
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const stopAt = Date.now();
    share.stop();
    const outcome = await running;
    expect(Date.now() - stopAt).toBeLessThan(1000);
    expect(outcome.state).toBe('stopped');
    expect(windows.length).toBe(outcome.windows);
    const last = decodeWindowBase64(windows.at(-1)!.data);
    expect(last.second).toBe(1);
    expect(last.durationMs).toBeGreaterThan(200);
    expect(last.durationMs).toBeLessThan(1000);
  });

  it('refuses a plan the master should not have sent (an unknown variable): the share fails naming the field, and nothing is sent', async () => {
    const before = target.stats().served;
    // Its shape is right (the message schema takes it); only the whole-plan checks see that ${'${nope}'} is never set.
    const plan = PlanObjectSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ kind: 'http', name: 'r', method: 'GET', url: '/?q=${nope}' }] });
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(target, { plan, durationSeconds: 1 }), {
      logger,
      publishWindow: async (w) => void windows.push(w),
      onStarted: () => windows.length,
    });
    const outcome = await share.run();
    expect(outcome).toEqual({
      state: 'failed',
      windows: 0,
      reason: expect.stringMatching(/^the plan is refused: steps\[0\]\.url: unknown variable "\$\{nope\}"/),
    });
    expect(windows).toEqual([]);
    expect(target.stats().served).toBe(before);
  });

  it('counts refused connections as errors instead of failing', async () => {
    const closed = await startTarget();
    const url = closed.url;
    await closed.close();
    const windows: RunWindow[] = [];
    const share = new ShareRun(
      assignment(target, { durationSeconds: 1, plan: PlanSchema.parse({ name: 'p', baseUrl: url, steps: [{ name: 'r', method: 'GET', url: '/' }] }) }),
      {
        logger,
        publishWindow: async (w) => void windows.push(w),
        onStarted: () => undefined,
      },
    );
    const outcome = await share.run();
    expect(outcome.state).toBe('finished');
    const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
    expect(summary.requests).toBe(0);
    expect(summary.errors.refused).toBeGreaterThan(0);
    expect(summary.steps.r!.errors.refused).toBe(summary.errors.refused);
  });
});

describe('ShareRun taking over a segment mid-run', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('starts from the arrivals due when it begins, once its connections are open: none dropped for want of them', async () => {
    const results: { dropped: number; requests: number; seconds: number[] }[] = [];
    // A few times: the connections' opening races the first arrivals.
    for (let round = 0; round < 3; round++) {
      const windows: RunWindow[] = [];
      // The run began 3 s ago (the lost worker's share); this one carries on at 200/s until second 5.
      const share = new ShareRun(
        assignment(target, {
          durationSeconds: 5,
          startAt: Date.now() - 3000,
          scenarios: [{ name: 'default', executor: 'constant-arrival-rate', rate: 200, duration: 5, maxVUs: 20, startTime: 0 }],
          share: { index: 0, count: 1, connections: 20 },
        }),
        { logger, publishWindow: async (w) => void windows.push(w), onStarted: () => undefined },
      );
      const outcome = await share.run();
      expect(outcome.state).toBe('finished');
      const decoded = windows.map((w) => decodeWindowBase64(w.data));
      const summary = summarize(decoded);
      results.push({ dropped: summary.dropped, requests: summary.requests, seconds: decoded.map((w) => w.second) });
    }
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(`takeover at second 3 of a 200/s share: ${results.map((r) => `${r.requests} sent, ${r.dropped} dropped`).join('; ')}`);
    for (const r of results) {
      expect(r.seconds).toEqual([3, 4]);
      expect(r.dropped).toBe(0);
      // Two seconds at 200/s, less the few ms its connections took to open.
      expect(r.requests).toBeGreaterThan(360);
      expect(r.requests).toBeLessThanOrEqual(400);
    }
  }, 20_000);
});

describe('ShareRun warm start', () => {
  /**
   * A server that notes when each connection of the current test was accepted and each of its requests arrived
   * (this process's wall clock). Only the current test's connections count: a request the previous share wrote
   * just before it closed may still be read after that test ended.
   */
  let server: Server;
  let url: string;
  const accepted: number[] = [];
  const requests: number[] = [];
  let sockets = new Set<Socket>();
  const reset = () => {
    accepted.length = 0;
    requests.length = 0;
    sockets = new Set();
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (sockets.has(request.socket)) requests.push(Date.now());
      response.end('ok');
    });
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      accepted.push(Date.now());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: { what: string; connections: number; overrides: Partial<RunAssign> }[] = [
    // Unpaced: autocannon would send on connect; the connections are held until the start instant.
    { what: 'constant-vus (unpaced)', connections: 4, overrides: {} },
    {
      what: 'constant-arrival-rate (paced)',
      connections: 6,
      overrides: { scenarios: [{ name: 'open', executor: 'constant-arrival-rate', rate: 100, duration: 1, maxVUs: 6, startTime: 0 }] },
    },
    {
      what: 'a flow (ramping-vus)',
      connections: 3,
      overrides: {
        plan: PlanSchema.parse({
          name: 'p',
          baseUrl: 'http://placeholder',
          steps: [
            { name: 'r', method: 'GET', url: '/' },
            { kind: 'think', ms: 5 },
          ],
        }),
        scenarios: [{ name: 'ramp', executor: 'ramping-vus', startVUs: 3, stages: [{ duration: 1, target: 3 }], startTime: 0 }],
      },
    },
  ];

  for (const { what, connections, overrides } of cases) {
    it(`${what}: every connection is open before the start instant, and no request is sent before it`, async () => {
      reset();
      const plan = overrides.plan ? { ...overrides.plan, baseUrl: url } : undefined;
      const a = assignment(
        { url },
        { connections, durationSeconds: 1, startAt: Date.now() + 800, ...overrides, ...(plan ? { plan } : {}), share: { index: 0, count: 1, connections } },
      );
      const windows: RunWindow[] = [];
      let startedAt = 0;
      const outcome = await new ShareRun(a, { logger, publishWindow: async (w) => void windows.push(w), onStarted: () => (startedAt = Date.now()) }).run();
      expect(outcome.state).toBe('finished');
      expect(startedAt).toBeGreaterThanOrEqual(a.startAt);
      // Exactly the share's connections, all accepted before the start instant; none opened later.
      expect(accepted).toHaveLength(connections);
      for (const at of accepted) expect(at).toBeLessThan(a.startAt);
      expect(requests.length).toBeGreaterThan(0);
      expect(Math.min(...requests)).toBeGreaterThanOrEqual(a.startAt);
      const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
      expect(summary.errorCount).toBe(0);
    }, 10_000);
  }

  it('a stop while the connections are open before the start sends nothing and ends stopped', async () => {
    reset();
    const a = assignment({ url }, { connections: 3, durationSeconds: 2, startAt: Date.now() + 1500 });
    const share = new ShareRun(a, { logger, publishWindow: async () => undefined, onStarted: () => undefined });
    const running = share.run();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(accepted).toHaveLength(3);
    share.stop();
    expect(await running).toEqual({ state: 'stopped', windows: 0 });
    expect(requests).toHaveLength(0);
  }, 10_000);
});
