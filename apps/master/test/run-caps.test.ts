import type { ErrorBody, PlanResource } from '@loadtest/protocol';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster, playIdleWorker, PLAYED_WORKER_TIMINGS } from './test-master.js';
import { createTestDatabase, RecordingTransport, silent, type TestDatabase } from './support.js';

/** Caps of a run's peak VUs, rate and duration, checked when it starts: a 400 naming the cap, its setting and the run's value. */
describe('per-run caps (real PostgreSQL)', () => {
  let db: TestDatabase;
  let master: Master;
  let planId: string;

  const start = (load: object) => master.app.inject({ method: 'POST', url: `/api/v1/plans/${planId}/runs`, payload: load });

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: new RecordingTransport(),
      logger: silent,
      timings: { ...PLAYED_WORKER_TIMINGS, runStartLeadMs: 0 },
      runCaps: { vus: 100, rate: 50, durationSeconds: 60 },
      operatorRunCaps: { vus: 10 },
    });
    await master.app.ready();
    const plan = await master.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: { name: 'capped', baseUrl: 'http://127.0.0.1:9', steps: [{ name: 'root', method: 'GET', url: '/' }] },
    });
    planId = plan.json<PlanResource>().id;
    // Workers that are never asked anything: admission needs some online, the runs never end (the test does not wait for them).
    for (const workerId of ['caps-w1', 'caps-w2', 'caps-w3', 'caps-w4', 'caps-w5']) await playIdleWorker(master, workerId);
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  it('refuses a run over each cap with a 400 naming the cap, its setting and the value', async () => {
    const vus = await start({ connections: 101, durationSeconds: 10 });
    expect(vus.statusCode).toBe(400);
    expect(vus.json<ErrorBody>().issues).toEqual([
      { path: 'connections', message: 'the run peaks at 101 virtual users at once, over the cap of 100 (LOADTEST_MAX_RUN_VUS)' },
    ]);
    const long = await start({ connections: 1, durationSeconds: 61 });
    expect(long.statusCode).toBe(400);
    expect(long.json<ErrorBody>().message).toBe('the run is over its caps: the run lasts 61 s, over the cap of 60 s (LOADTEST_MAX_RUN_DURATION_S)');
    const rate = await start({ scenarios: [{ executor: 'ramping-arrival-rate', startRate: 10, stages: [{ duration: 5, target: 80 }], maxVUs: 5 }] });
    expect(rate.statusCode).toBe(400);
    expect(rate.json<ErrorBody>().issues).toEqual([
      { path: 'scenarios', message: 'the run peaks at 80 requests per second, over the cap of 50 (LOADTEST_MAX_RUN_RATE)' },
    ]);
  });

  it('counts the scenarios running together: two of 60 VUs at once are refused, one after the other are not; a run at the caps passes', async () => {
    const scenario = (name: string, startTime: number) => ({ name, executor: 'constant-vus', vus: 60, duration: 10, startTime });
    const together = await start({ scenarios: [scenario('a', 0), scenario('b', 5)] });
    expect(together.statusCode).toBe(400);
    expect(together.json<ErrorBody>().message).toContain('120 virtual users at once, over the cap of 100');
    const apart = await start({ scenarios: [scenario('a', 0), scenario('b', 20)] });
    expect({ status: apart.statusCode, body: apart.body }).toEqual({ status: 201, body: expect.anything() });
    // Exactly at every cap: past the caps (checked first), it is refused only because the workers are busy with the run above.
    const atCaps = await start({ connections: 100, durationSeconds: 60 });
    expect(atCaps.statusCode).toBe(409);
    expect(atCaps.json<ErrorBody>().message).not.toContain('cap');
  });

  it("applies an operator's own caps, naming their setting; an admin has the general ones", async () => {
    const operator = await master.auth.createUser({ username: 'capped-operator', role: 'operator' }, null);
    const system = { actorId: null, actor: 'test', via: null, ip: null, action: 'token.created' } as const;
    const token = await master.auth.createToken({ userId: operator!.id, name: 'ops', expiresAt: new Date(Date.now() + 3600_000) }, system);
    const asOperator = await master.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/runs`,
      headers: { authorization: `Bearer ${token.token}` },
      payload: { connections: 11, durationSeconds: 10 },
    });
    expect(asOperator.statusCode).toBe(400);
    expect(asOperator.json<ErrorBody>().issues).toEqual([
      { path: 'connections', message: 'the run peaks at 11 virtual users at once, over the cap of 10 (LOADTEST_OPERATOR_MAX_RUN_VUS)' },
    ]);
    // The admin (the test's token) may start the same run: past the caps, only the busy workers refuse it.
    const asAdmin = await start({ connections: 11, durationSeconds: 10 });
    expect(asAdmin.json<ErrorBody>().message).not.toContain('cap');
  });
});
