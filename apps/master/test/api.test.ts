import { summarize } from '@loadtest/metrics';
import type { ErrorBody, PlanResource, RunResource, Timeline, WorkerList } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMaster, type Master } from '../src/app.js';
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
  const planBody = () => ({ name: 'smoke', baseUrl: target.url, requests: [{ name: 'root', method: 'GET', path: '/' }] });

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 300 } });
    await master.listenToWorkers();
  });

  afterAll(async () => {
    await master.app.close();
    await workers?.stop();
    await hub.close();
    await target.close();
    await db.drop();
  });

  it('creates, lists, reads, replaces and deletes plans', async () => {
    const created = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'smoke', baseUrl: target.url, requests: [{ name: 'root', method: 'GET', path: '/', headers: {} }] });
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
      expect(response.status, `${method} ${url}`).toBe(404);
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
      expect.arrayContaining(['/api/v1/plans', '/api/v1/plans/{id}', '/api/v1/plans/{id}/runs', '/api/v1/runs/{id}', '/api/v1/runs/{id}/timeline', '/api/v1/runs/{id}/stop', '/api/v1/workers']),
    );
    expect(Object.keys(doc.body.paths['/api/v1/runs/{id}/stop']!)).toEqual(['post']);
    expect(doc.body.components.schemas).toHaveProperty('Plan');
    const ui = await master.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('<html');
  });

  it('runs a plan over 3 worker threads: 34/33/33 shares, windows stored, summary merged from them', async () => {
    workers = startLocalWorkers(hub, 3, silent);
    await until(() => master.registry.available().length === 3, 15_000, '3 workers online');
    const listed = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(listed.body.items.map((w) => w.id)).toEqual(['local-1', 'local-2', 'local-3']);
    expect(listed.body.items[0]!.capabilities!.cores).toBeGreaterThan(0);

    const plan = await inject<PlanResource>('POST', '/api/v1/plans', planBody());
    target.resetStats();
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 100, durationSeconds: 2 });
    expect(started.status).toBe(201);
    expect(started.body.state).toBe('pending');
    expect(started.body.workers.map((w) => w.connections)).toEqual([34, 33, 33]);

    // Deleting a plan while its run is active is refused.
    expect((await inject<ErrorBody>('DELETE', `/api/v1/plans/${plan.body.id}`)).status).toBe(409);

    const run = await until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      20_000,
      'run finished',
    );
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
  }, 60_000);
});
