import { plannedVus } from '@loadtest/execution';
import type { PlanResource, RunResource, Scenario } from '@loadtest/protocol';
import { startTarget, type ArrivalSecond, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

/**
 * The load a run plans, as the target measures it: the master splits each
 * scenario over worker threads by execution segment, each worker paces its
 * share on its own, and `tools/target` records arrivals and requests in
 * progress per epoch second. Real PostgreSQL, in-process transport.
 */
describe('realised load shape, measured at the target', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  const workers: LocalWorkers[] = [];

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json() as T };
  };

  /** Runs `scenarios` against `path` on the target; resolves with the finished run and what the target saw meanwhile. */
  async function run(path: string, scenarios: unknown[], whileRunning?: (run: RunResource) => Promise<void>) {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', { name: 'shape', baseUrl: target.url, requests: [{ name: 'call', method: 'GET', path }] });
    target.resetStats();
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { scenarios });
    withMessage(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    if (whileRunning) await whileRunning(started.body);
    const ended = await until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      60_000,
      'run finished',
    );
    return { run: ended, seconds: target.arrivals(), startMs: Date.parse(ended.startAt!) };
  }

  /** Epoch seconds entirely inside [fromMs, toMs). */
  const fullSeconds = (seconds: ArrivalSecond[], fromMs: number, toMs: number) =>
    seconds.filter((s) => s.second * 1000 >= fromMs && (s.second + 1) * 1000 <= toMs);

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 500 } });
    await master.listenToWorkers();
    workers.push(startLocalWorkers(hub, 2, silent));
    await until(() => master.registry.available().length === 2, 20_000, '2 workers online');
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await Promise.all(workers.map((w) => w.stop()));
    await hub.close();
    await target.close();
    await db.drop();
  }, 60_000);

  it('ramping-vus 0 → 60 over 12 s on 2 workers: the VUs in progress each second follow the plan within ±10% after the first second', async () => {
    const ramp = { name: 'ramp', executor: 'ramping-vus', stages: [{ duration: 12, target: 60 }] };
    // 100 ms answers: the client's own gap between an answer and the next send stays ~1% of a VU's time.
    const { run: done, seconds, startMs } = await run('/delay/100', [ramp]);
    // Every worker the run was shared over measured (2, or 3 on a retry: a later test adds a worker, and jest retries at the end).
    const used = done.workers.filter((w) => w.windows > 0).map((w) => w.workerId);
    expect(used).toEqual(done.workers.map((w) => w.workerId));
    expect(used.length).toBeGreaterThanOrEqual(2);
    const model = done.load.scenarios[0]! as Scenario;
    const errors: string[] = [];
    let worst = 0;
    for (const s of fullSeconds(seconds, startMs + 1000, startMs + 12_000)) {
      // The plan's mean VUs over this epoch second (the run's clock starts at startMs).
      let planned = 0;
      for (let ms = 5; ms < 1000; ms += 10) planned += plannedVus(model, (s.second * 1000 + ms - startMs) / 1000);
      planned /= 100;
      const error = (s.meanInFlight - planned) / planned;
      worst = Math.max(worst, Math.abs(error));
      errors.push(`${planned.toFixed(1)}→${s.meanInFlight.toFixed(1)} (${(error * 100).toFixed(1)}%)`);
    }
    // eslint-disable-next-line no-console -- the measured figures the issue asks for, in the test output
    console.info(
      `ramp 0→60 VUs/12 s on ${used.length} workers, planned→measured mean VUs in progress per second: ${errors.join(', ')}; worst ${(worst * 100).toFixed(1)}%`,
    );
    expect(errors.length).toBeGreaterThanOrEqual(9);
    expect(worst).toBeLessThanOrEqual(0.1);
  });

  it('a preset is expanded into stages, shown in the response and kept in the run record; one that cannot fit is a 400 naming the field', async () => {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', {
      name: 'presets',
      baseUrl: target.url,
      requests: [{ name: 'call', method: 'GET', path: '/' }],
    });
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      scenarios: [{ name: 'spike', executor: 'preset', preset: 'SPIKE', vus: 3, duration: 30 }],
    });
    expect(started.status).toBe(201);
    const scenario = started.body.load.scenarios[0]!;
    expect(scenario).toMatchObject({ name: 'spike', executor: 'ramping-vus', preset: { preset: 'SPIKE', vus: 3, duration: 30 } });
    expect(scenario.executor === 'ramping-vus' && scenario.stages.map((s) => s.target)).toEqual([1, 1, 3, 3, 1, 1, 0]);
    expect(started.body.load.durationSeconds).toBe(30);
    const stored = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
    expect(stored.body.load).toEqual(started.body.load);
    expect((await inject<RunResource>('POST', `/api/v1/runs/${started.body.id}/stop`)).status).toBe(202);
    await until(async () => (await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`)).body.state === 'stopped', 10_000, 'run stopped');

    const tooShort = await inject<{ issues: { path: string; message: string }[] }>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      scenarios: [{ executor: 'preset', preset: 'STRESS', vus: 10, duration: 5 }],
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.issues).toEqual([{ path: 'scenarios[0].duration', message: 'STRESS with these settings needs at least 11 s (one per stage), got 5' }]);
    // A SOAK is reported by the minute unless asked otherwise.
    const soakRun = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      scenarios: [{ executor: 'preset', preset: 'SOAK', vus: 1, duration: 3 }],
    });
    expect(soakRun.body.load.reportEvery).toBe('1m');
    await until(async () => (await inject<RunResource>('GET', `/api/v1/runs/${soakRun.body.id}`)).body.state === 'finished', 15_000, 'soak finished');
    expect((await inject<{ bucketSeconds: number }>('GET', `/api/v1/runs/${soakRun.body.id}/timeline`)).body.bucketSeconds).toBe(60);
    expect((await inject<{ bucketSeconds: number }>('GET', `/api/v1/runs/${soakRun.body.id}/timeline?bucket=1s`)).body.bucketSeconds).toBe(1);

    const soak = await inject<{ issues: { path: string }[] }>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      scenarios: [{ executor: 'preset', preset: 'SOAK', vus: 0 }],
    });
    expect(soak.status).toBe(400);
    expect(soak.body.issues.map((i) => i.path)).toEqual(['scenarios[0].vus']);
  });

  it('constant-arrival-rate 300/s on 3 workers: 300 ±5% arrive each second, and no 100 ms slice carries more than 30% of its second', async () => {
    // Once: a retry of this test (jest.retry-once.mjs) finds the third worker already there.
    if (workers.length < 2) workers.push(startLocalWorkers(hub, 1, silent, { firstIndex: 3 }));
    await until(() => master.registry.available().length === 3, 20_000, '3 workers online');
    const { run: done, seconds, startMs } = await run('/delay/10', [{ name: 'steady', executor: 'constant-arrival-rate', rate: 300, duration: 8, maxVUs: 60 }]);
    expect(done.workers.filter((w) => w.windows > 0)).toHaveLength(3);
    const full = fullSeconds(seconds, startMs, startMs + 8000);
    expect(full.length).toBeGreaterThanOrEqual(6);
    const rateErrors = full.map((s) => (s.arrivals - 300) / 300);
    const heaviestSlices = full.map((s) => Math.max(...s.slices) / s.arrivals);
    // eslint-disable-next-line no-console -- the measured figures the issue asks for, in the test output
    console.info(
      `300 rps on 3 workers, arrivals per second: ${full.map((s) => s.arrivals).join(', ')}; worst error ${(Math.max(...rateErrors.map(Math.abs)) * 100).toFixed(1)}%; ` +
        `heaviest 100 ms slice per second: ${heaviestSlices.map((f) => `${(f * 100).toFixed(0)}%`).join(', ')}`,
    );
    for (const error of rateErrors) expect(Math.abs(error)).toBeLessThanOrEqual(0.05);
    for (const share of heaviestSlices) expect(share).toBeLessThanOrEqual(0.3);
    expect(done.summary!.dropped).toBe(0);
    // Every planned arrival was sent: 2400 in all, less those cut at the end while in flight.
    expect(done.summary!.requests).toBeGreaterThan(2400 - 60);
    expect(done.summary!.requests).toBeLessThanOrEqual(2400);
  });

  it('two scenarios at once, the second starting 2 s later: their rates add up from its start', async () => {
    const {
      run: done,
      seconds,
      startMs,
    } = await run('/', [
      { name: 'base', executor: 'constant-arrival-rate', rate: 100, duration: 5, maxVUs: 20 },
      { name: 'extra', executor: 'constant-arrival-rate', rate: 100, duration: 3, maxVUs: 20, startTime: 2 },
    ]);
    expect(done.load.durationSeconds).toBe(5);
    const before = fullSeconds(seconds, startMs, startMs + 2000).map((s) => s.arrivals);
    const after = fullSeconds(seconds, startMs + 2000, startMs + 5000).map((s) => s.arrivals);
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(`two scenarios: arrivals per second before the second one starts ${before.join(', ')}; after ${after.join(', ')}`);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const n of before) expect(Math.abs(n - 100)).toBeLessThanOrEqual(5);
    for (const n of after) expect(Math.abs(n - 200)).toBeLessThanOrEqual(10);
    expect(done.summary!.requests + done.summary!.dropped).toBeGreaterThanOrEqual(800 - 40);
  });

  it('open model through a 1 s stall at 100 rps: p50 stays 50 ±5 ms and the stall shows in the high percentiles', async () => {
    const { run: done } = await run(
      '/delay/50',
      [{ name: 'open', executor: 'constant-arrival-rate', rate: 100, duration: 8, maxVUs: 300 }],
      async (started) => {
        // Stall once, mid-run: every answer due in the next second waits until it ends.
        const startMs = Date.parse(started.startAt!);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, startMs + 3000 - Date.now())));
        target.pause(1000);
      },
    );
    const latency = done.summary!.latencyMicros!;
    const ms = (micros: number) => (micros / 1000).toFixed(1);
    // eslint-disable-next-line no-console -- the measured figures the issue asks for, in the test output
    console.info(
      `100 rps, fixed 50 ms, one 1 s stall: p50 ${ms(latency.p50)} ms, p90 ${ms(latency.p90)} ms, p95 ${ms(latency.p95)} ms, p99 ${ms(latency.p99)} ms, max ${ms(latency.max)} ms, requests ${done.summary!.requests}, dropped ${done.summary!.dropped}`,
    );
    expect(latency.p50).toBeGreaterThanOrEqual(45_000);
    expect(latency.p50).toBeLessThanOrEqual(55_000);
    // About 100 of the 800 iterations were due during the stall: each waited out the rest of it.
    expect(latency.p95).toBeGreaterThan(300_000);
    expect(latency.p99).toBeGreaterThan(800_000);
    expect(latency.max).toBeGreaterThan(950_000);
    expect(done.summary!.dropped).toBe(0);
  });

  it('open model with too small a connection budget: the shortfall is counted as dropped, not queued', async () => {
    // 5 connections at 200 ms each can start 25 iterations a second; 100 are planned.
    const { run: done } = await run('/delay/200', [{ name: 'starved', executor: 'constant-arrival-rate', rate: 100, duration: 4, maxVUs: 5 }]);
    const { requests, dropped } = done.summary!;
    // eslint-disable-next-line no-console -- the measured figures the issue asks for, in the test output
    console.info(`100 rps planned with 5 connections at 200 ms: ${requests} sent and answered, ${dropped} dropped`);
    expect(requests).toBeGreaterThanOrEqual(80);
    expect(requests).toBeLessThanOrEqual(100);
    // Every planned iteration is either sent or dropped; only those cut in flight at the end are neither.
    expect(requests + dropped).toBeGreaterThanOrEqual(400 - 5);
    expect(requests + dropped).toBeLessThanOrEqual(400);
    // Nothing queued: no latency beyond the target's own 200 ms and a little.
    expect(done.summary!.latencyMicros!.max).toBeLessThan(300_000);
  });
});
