import { readFileSync } from 'node:fs';
import type { Plan, PlanResource, RunResource } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

/** A plan saved by the old tool's front end, its requests on `http://127.0.0.1:3000` (the target's default port). */
const FIXTURE = readFileSync(new URL('../../../libs/plan-import/test/fixtures/legacy-saved-plan.json', import.meta.url), 'utf8');
const FIXTURE_ORIGIN = 'http://127.0.0.1:3000';

/**
 * The old tool's saved plan, end to end: imported through `POST /imports/legacy`,
 * stored, and run on 2 local workers (worker threads, in-process transport, real
 * PostgreSQL) against tools/target, which counts what it served by route.
 * The fixture's ifCondition tests `GET /status/200` for 200: as saved, its true
 * branch runs, then the if's own children; with the route made `/status/500`, its
 * false branch runs and ends in a stopNode, so nothing after the if runs.
 */
describe("the old tool's saved plan, imported and run against the target", () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json() as T };
  };

  /** Imports the fixture (its origin the target's, `/status/200` made `statusRoute`), stores it, runs it at a low rate, and answers the finished run and what the target served. */
  async function importAndRun(statusRoute: string): Promise<{ done: RunResource; served: Record<string, number>; unauthorized: number }> {
    const saved = JSON.parse(FIXTURE.replaceAll(FIXTURE_ORIGIN, target.url).replaceAll('/status/200', statusRoute)) as unknown;
    const imported = await inject<{ plan: Plan }>('POST', '/api/v1/imports/legacy', saved);
    withMessage(JSON.stringify(imported.body), () => expect(imported.status).toBe(200));
    expect(imported.body.plan.baseUrl).toBe(target.url);
    const stored = await inject<PlanResource>('POST', '/api/v1/plans', imported.body.plan);
    withMessage(JSON.stringify(stored.body), () => expect(stored.status).toBe(201));
    target.resetStats();
    // 10 iterations a second for 4 s: each is 5 requests (4 on the false branch) and 20–50 ms of delays; on a busy
    // machine a cold first run answers slowly, and iterations in flight at the end are cut: a few seconds leave whole ones.
    const started = await inject<RunResource>('POST', `/api/v1/plans/${stored.body.id}/runs`, {
      scenarios: [{ name: 'legacy', executor: 'constant-arrival-rate', rate: 10, duration: 4, maxVUs: 20 }],
    });
    withMessage(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    const done = await until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        if (r.body.state === 'failed') throw new Error(`run failed: ${JSON.stringify(r.body)}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      45_000,
      'run finished',
    );
    const stats = target.stats();
    return { done, served: stats.byRoute, unauthorized: stats.unauthorized };
  }

  const requestsOf = (done: RunResource, step: string) => done.summary?.steps[step]?.requests ?? 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 500 } });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 2, silent);
    await until(() => master.registry.available().length === 2, 30_000, '2 workers online');
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await workers.stop();
    await hub.close();
    await target.close();
    await db.drop();
  }, 60_000);

  /**
   * What each step reports against what the target served on its route: the target may have served more,
   * requests of iterations in flight when the run ended, which the run does not count.
   */
  const expectServed = (served: Record<string, number>, steps: Record<string, number>, routes: Record<string, string>) => {
    expect(Object.keys(served).sort()).toEqual(Object.values(routes).sort());
    for (const [step, route] of Object.entries(routes)) {
      withMessage(step, () => expect(steps[step]).toBeGreaterThan(0));
      withMessage(step, () => expect(steps[step]).toBeLessThanOrEqual(served[route]!));
    }
  };

  it('as saved: the condition holds, the true branch runs and then the if’s children; every request node of that path reaches the target', async () => {
    const { done, served, unauthorized } = await importAndRun('/status/200');
    const steps = Object.fromEntries(
      ['Log in', 'Check status', 'Save note', 'Delete item', 'Home', 'Report failure'].map((name) => [name, requestsOf(done, name)]),
    );
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(`legacy plan, true branch: steps ${JSON.stringify(steps)}; target ${JSON.stringify(served)}; dropped ${done.summary?.dropped}`);
    expectServed(served, steps, {
      'Log in': 'POST /login',
      'Check status': 'GET /status/:code',
      'Save note': 'PUT /echo',
      'Delete item': 'DELETE /items/:id',
      Home: 'GET /',
    });
    // The JSON body logged in (a wrong or missing password is a 401 or a 400 at the target).
    expect(unauthorized).toBe(0);
    expect(done.summary?.steps['Log in']?.statusCodes).toEqual({ '200': steps['Log in'] });
    expect(done.summary?.steps['Check status']?.statusCodes).toEqual({ '200': steps['Check status'] });
    // In order: no step counts more than the one before it on the path.
    expect(steps['Save note']).toBeLessThanOrEqual(steps['Check status']!);
    expect(steps['Delete item']).toBeLessThanOrEqual(steps['Save note']!);
    expect(steps['Home']).toBeLessThanOrEqual(steps['Delete item']!);
    expect(steps['Report failure']).toBe(0);
  }, 60_000);

  it('with the status route answering 500: the false branch runs and its stopNode ends the iteration', async () => {
    const { done, served } = await importAndRun('/status/500');
    const steps = Object.fromEntries(
      ['Log in', 'Check status', 'Report failure', 'Save note', 'Delete item', 'Home'].map((name) => [name, requestsOf(done, name)]),
    );
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(`legacy plan, false branch: steps ${JSON.stringify(steps)}; target ${JSON.stringify(served)}; dropped ${done.summary?.dropped}`);
    // Nothing of the true branch reached the target, nor the if's children (Home) after the stop.
    expectServed(served, steps, { 'Log in': 'POST /login', 'Check status': 'GET /status/:code', 'Report failure': 'POST /echo' });
    expect(done.summary?.steps['Check status']?.statusCodes).toEqual({ '500': steps['Check status'] });
    expect(steps['Report failure']).toBeLessThanOrEqual(steps['Check status']!);
    expect([steps['Save note'], steps['Delete item'], steps['Home']]).toEqual([0, 0, 0]);
  }, 60_000);
});
