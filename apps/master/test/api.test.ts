import { summarize } from '@loadtest/metrics';
import type { ErrorBody, PlanResource, RangeSummary, RunResource, Timeline, WorkerList } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('REST API (real PostgreSQL, in-process transport, worker threads)', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers | undefined;

  const inject = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: (response.body ? response.json() : undefined) as T };
  };
  /** Polls the run until it is in `state`, and returns it. */
  const runInState = (id: string, state: RunResource['state'], timeoutMs: number) =>
    until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${id}`);
        return r.body.state === state ? r.body : undefined;
      },
      timeoutMs,
      `run ${state}`,
    );
  /** Waits until the 3 local workers are online and free: a run started before would find fewer of them. */
  const idleWorkers = () => until(() => master.registry.available().length === 3, 15_000, '3 idle workers');
  const planBody = () => ({ name: 'smoke', baseUrl: target.url, requests: [{ name: 'root', method: 'GET', path: '/' }] });

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 300 } });
    await master.listenToWorkers();
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await workers?.stop();
    await hub.close();
    await target.close();
    await db.drop();
  }, 60_000);

  it('creates, lists, reads, replaces and deletes plans', async () => {
    const created = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'smoke', baseUrl: target.url, steps: [{ kind: 'http', name: 'root', method: 'GET', url: '/', headers: {} }] });
    const id = created.body.id;
    expect((await inject<{ items: PlanResource[] }>('GET', '/api/v1/plans')).body.items.map((p) => p.id)).toContain(id);
    expect((await inject<PlanResource>('GET', `/api/v1/plans/${id}`)).body.name).toBe('smoke');
    const replaced = await inject<PlanResource>('PUT', `/api/v1/plans/${id}`, { ...planBody(), name: 'renamed' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.name).toBe('renamed');
    expect((await inject('DELETE', `/api/v1/plans/${id}`)).status).toBe(204);
    expect((await inject<ErrorBody>('GET', `/api/v1/plans/${id}`)).status).toBe(404);
  });

  it('answers an invalid body with 400 naming every offending field', async () => {
    const response = await inject<ErrorBody>('POST', '/api/v1/plans', {
      name: '',
      baseUrl: 'not a url',
      requests: [{ name: 'x', method: 'FETCH', path: 'nope' }],
    });
    expect(response.status).toBe(400);
    expect(response.body.issues!.map((i) => i.path).sort()).toEqual(['baseUrl', 'name', 'requests[0].method', 'requests[0].path']);
    expect(response.body.message).toContain('requests[0].path: must start with "/"');
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    const badLoad = await inject<ErrorBody>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 0 });
    expect(badLoad.status).toBe(400);
    expect(badLoad.body.issues!.map((i) => i.path).sort()).toEqual(['connections', 'durationSeconds']);
    const badGrace = await inject<ErrorBody>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      scenarios: [
        { name: 'a', executor: 'constant-vus', vus: 1, duration: 1, gracefulStop: 601 },
        { name: 'b', executor: 'constant-vus', vus: 1, duration: 1, gracefulStop: -1 },
      ],
    });
    expect(badGrace.status).toBe(400);
    expect(badGrace.body.issues).toEqual([
      { path: 'scenarios[0].gracefulStop', message: 'must be at most 600 seconds' },
      { path: 'scenarios[1].gracefulStop', message: 'must be at least 0 seconds' },
    ]);
    const notJson = await master.app.inject({ method: 'POST', url: '/api/v1/plans', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(notJson.statusCode).toBe(400);
  });

  it('answers unknown ids with 404 and malformed ids with 400', async () => {
    for (const [method, url] of [
      ['GET', `/api/v1/plans/${MISSING_ID}`],
      ['PUT', `/api/v1/plans/${MISSING_ID}`],
      ['DELETE', `/api/v1/plans/${MISSING_ID}`],
      ['GET', `/api/v1/plans/${MISSING_ID}/runs`],
      ['POST', `/api/v1/plans/${MISSING_ID}/runs`],
      ['GET', `/api/v1/runs/${MISSING_ID}`],
      ['GET', `/api/v1/runs/${MISSING_ID}/timeline`],
      ['POST', `/api/v1/runs/${MISSING_ID}/stop`],
    ] as const) {
      const payload = method === 'PUT' ? planBody() : method === 'POST' && url.endsWith('/runs') ? { connections: 1, durationSeconds: 1 } : undefined;
      const response = await inject<ErrorBody>(method, url, payload);
      withMessage(`${method} ${url}`, () => expect(response.status).toBe(404));
      expect(response.body.message).toMatch(/not found/);
    }
    expect((await inject<ErrorBody>('GET', '/api/v1/runs/not-a-uuid')).status).toBe(400);
    expect((await inject<ErrorBody>('GET', '/api/v1/runs/123/stop')).status).toBe(404);
  });

  it('refuses to start a run with no live worker: 409 with the reason', async () => {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    const response = await inject<ErrorBody>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 5, durationSeconds: 1 });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/no live worker is available/);
  });

  it('serves an OpenAPI document generated from the schemas, and a browsable UI', async () => {
    const doc = await inject<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>('GET', '/api/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths).sort()).toEqual(
      expect.arrayContaining([
        '/api/v1/plans',
        '/api/v1/plans/{id}',
        '/api/v1/plans/{id}/runs',
        '/api/v1/runs/{id}',
        '/api/v1/runs/{id}/timeline',
        '/api/v1/runs/{id}/stop',
        '/api/v1/workers',
      ]),
    );
    expect(Object.keys(doc.body.paths['/api/v1/runs/{id}/stop']!)).toEqual(['post']);
    expect(doc.body.components.schemas).toHaveProperty('Plan');
    const ui = await master.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('<html');
  });

  it('runs a plan over 3 worker threads: 34/33/33 shares, windows stored, summary merged from them', async () => {
    workers = startLocalWorkers(hub, 3, silent);
    await idleWorkers();
    const listed = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(listed.body.items.map((w) => w.id)).toEqual(['local-1', 'local-2', 'local-3']);
    expect(listed.body.items[0]!.capabilities!.cores).toBeGreaterThan(0);

    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    target.resetStats();
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 100, durationSeconds: 2 });
    expect(started.status).toBe(201);
    // The start instant is 300 ms away: on a busy machine the run may already be running when the answer is read.
    expect(['pending', 'running']).toContain(started.body.state);
    expect(started.body.workers.map((w) => w.connections)).toEqual([34, 33, 33]);
    expect(started.body.workers.map((w) => w.segment)).toEqual([
      { from: { num: 0, den: 3 }, to: { num: 1, den: 3 } },
      { from: { num: 1, den: 3 }, to: { num: 2, den: 3 } },
      { from: { num: 2, den: 3 }, to: { num: 3, den: 3 } },
    ]);

    // Deleting a plan while its run is active is refused.
    expect((await inject<ErrorBody>('DELETE', `/api/v1/plans/${plan.body.id}`)).status).toBe(409);

    const run = await runInState(started.body.id, 'finished', 20_000);
    const stored = await new RunRepository(db.prisma).windows(run.id);
    expect(new Set(stored.map((w) => w.workerId))).toEqual(new Set(['local-1', 'local-2', 'local-3']));
    expect(run.workers.every((w) => w.windows === 2 && w.state === 'finished')).toBe(true);
    expect(run.summary).toEqual(summarize(stored));
    const served = target.stats().served;
    expect(run.summary!.requests).toBeGreaterThan(0);
    expect(served - run.summary!.requests).toBeGreaterThanOrEqual(0);
    expect(served - run.summary!.requests).toBeLessThanOrEqual(100);

    const timeline = await inject<Timeline>('GET', `/api/v1/runs/${run.id}/timeline`);
    expect(timeline.body.points.map((p) => [p.second, p.workers])).toEqual([
      [0, 3],
      [1, 3],
    ]);
    expect(timeline.body.points.reduce((n, p) => n + p.requests, 0)).toBe(run.summary!.requests);

    const runs = await inject<{ items: RunResource[] }>('GET', `/api/v1/plans/${plan.body.id}/runs`);
    expect(runs.body.items.map((r) => r.id)).toEqual([run.id]);
    const stopEnded = await inject<ErrorBody>('POST', `/api/v1/runs/${run.id}/stop`);
    expect(stopEnded.status).toBe(409);
    expect(stopEnded.body.message).toMatch(/already ended/);

    // Any time range, step or worker is re-aggregated exactly from the stored windows.
    const first = await inject<RangeSummary>('GET', `/api/v1/runs/${run.id}/summary?from=0&to=1`);
    expect(first.body.windows).toBe(3);
    expect(first.body.summary.requests).toBe(timeline.body.points[0]!.requests);
    const whole = await inject<RangeSummary>('GET', `/api/v1/runs/${run.id}/summary`);
    expect(whole.body.summary).toEqual(run.summary);
    const step = await inject<RangeSummary>('GET', `/api/v1/runs/${run.id}/summary?name=root`);
    expect(step.body.summary.requests).toBe(run.summary!.requests);
    const perWorker = await Promise.all(
      ['local-1', 'local-2', 'local-3'].map((w) => inject<RangeSummary>('GET', `/api/v1/runs/${run.id}/summary?worker=${w}`)),
    );
    expect(perWorker.reduce((n, r) => n + r.body.summary.requests, 0)).toBe(run.summary!.requests);
    expect((await inject<ErrorBody>('GET', `/api/v1/runs/${run.id}/summary?from=3&to=1`)).status).toBe(400);
    const buckets = await inject<Timeline>('GET', `/api/v1/runs/${run.id}/timeline?bucket=5s`);
    expect(buckets.body.bucketSeconds).toBe(5);
    expect(buckets.body.points.map((p) => [p.second, p.requests, p.workers])).toEqual([[0, run.summary!.requests, 3]]);
    const badBucket = await inject<ErrorBody>('GET', `/api/v1/runs/${run.id}/timeline?bucket=2s`);
    expect(badBucket.status).toBe(400);
    expect(badBucket.body.issues![0]!.path).toBe('bucket');
    // `step`, the bucket's old name, is still read (deprecated); `bucket` wins over it.
    expect((await inject<Timeline>('GET', `/api/v1/runs/${run.id}/timeline?step=5s`)).body.bucketSeconds).toBe(5);
    expect((await inject<Timeline>('GET', `/api/v1/runs/${run.id}/timeline?bucket=1m&step=5s`)).body.bucketSeconds).toBe(60);

    // Clock offsets are estimated from heartbeats: threads share the master's clock.
    expect(run.workers.every((w) => w.clockOffsetMs !== null && Math.abs(w.clockOffsetMs) < 250 && !w.clockSkewed)).toBe(true);
    const workerList = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(workerList.body.items.every((w) => typeof w.clockOffsetMs === 'number')).toBe(true);
  }, 60_000);

  it('refuses malformed thresholds with 400, naming the expression and the problem', async () => {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    const response = await inject<ErrorBody>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      connections: 1,
      durationSeconds: 1,
      thresholds: [{ expression: 'p(95) < 300ms' }, { expression: 'p95 < 300ms' }, { expression: 'p(99) < 1s', step: 'nope' }],
    });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([
      { path: 'thresholds[1].expression', message: expect.stringContaining('threshold "p95 < 300ms": unknown metric "p95"') },
      { path: 'thresholds[2].step', message: 'unknown step "nope" (the plan\'s steps: root)' },
    ]);
  });

  it('judges thresholds on the merged data: the verdict and the value behind each', async () => {
    await idleWorkers();
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      connections: 6,
      durationSeconds: 2,
      thresholds: [{ expression: 'p(95) < 10s' }, { expression: 'error_rate < 1%', step: 'root' }, { expression: 'rps > 100000000' }],
    });
    expect(started.status).toBe(201);
    const run = await runInState(started.body.id, 'finished', 20_000);
    expect(run.verdict).toBe('failed');
    expect(run.thresholdResults.map((t) => [t.expression, t.step, t.ok])).toEqual([
      ['p(95) < 10s', null, true],
      ['error_rate < 1%', 'root', true],
      ['rps > 100000000', null, false],
    ]);
    expect(run.thresholdResults[0]!.value).toBe(run.summary!.latencyMicros!.p95);
    expect(run.thresholdResults[2]!.value).toBeCloseTo(run.summary!.rps, 6);
  }, 30_000);

  it('aborts a run when a threshold with abortOnFail fails after its grace period', async () => {
    await idleWorkers();
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, {
      connections: 3,
      durationSeconds: 20,
      thresholds: [{ expression: 'p(50) < 1us', abortOnFail: true, abortGraceSeconds: 1 }],
    });
    const began = Date.now();
    const run = await runInState(started.body.id, 'failed', 15_000);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(run.error).toMatch(/aborted: threshold "p\(50\) < 1us" failed at second 1/);
    expect(run.verdict).toBe('failed');
    expect(run.thresholdResults[0]!.ok).toBe(false);
  }, 30_000);
});
