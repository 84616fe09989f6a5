import type { ErrorBody, PlanList, PlanResource, RunList, RunResource } from '@loadtest/protocol';
import { startTarget, TARGET_PASSWORD, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

/**
 * A plan variable written `{ value, secret: true }`: the API answers it as `***` everywhere (the plan, the plan
 * list, a PUT's answer, the runs), a plan saved back with `***` keeps the stored value, and the workers still get
 * the value: a login against tools/target with the secret password succeeds (the target counts every failure).
 */
describe('secret plan variables (real PostgreSQL, a local worker, tools/target)', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;

  const inject = async <T>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json() as T, text: response.body };
  };
  /** The password as a JSON value (the password is 'secret', which is also the flag's key: `"secret":true` is no leak). */
  const leaks = (text: string) => text.includes(`:"${TARGET_PASSWORD}"`);
  const plan = () => ({
    name: 'secret login',
    baseUrl: target.url,
    variables: { user: 'ada', password: { value: TARGET_PASSWORD, secret: true } },
    steps: [{ name: 'login', method: 'POST', url: '/login', body: { json: { user: '${user}', password: '${password}' } }, checks: [{ status: [200] }] }],
  });
  const storedPassword = async (id: string) => {
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id } });
    return (row.definition as { variables: { password: { value: string } } }).variables.password.value;
  };
  const runToEnd = async (planId: string): Promise<RunResource> => {
    target.resetStats();
    const started = await inject<RunResource>('POST', `/api/v1/plans/${planId}/runs`, { connections: 1, durationSeconds: 1 });
    withMessage(started.text, () => expect(started.status).toBe(201));
    expect(leaks(started.text)).toBe(false);
    return until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        return r.body.state === 'finished' || r.body.state === 'failed' ? r.body : undefined;
      },
      30_000,
      'run ended',
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 300 } });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 1, silent, { threads: 1 });
    await until(() => master.registry.available().length === 1, 30_000, 'the worker online');
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await workers?.stop();
    await hub?.close();
    await target?.close();
    await db?.drop();
  }, 60_000);

  it('never answers the value (create, read, list, replace, runs), stores it, and the worker logs in with it; a PUT of *** keeps it', async () => {
    const created = await inject<PlanResource>('POST', '/api/v1/plans', plan());
    withMessage(created.text, () => expect(created.status).toBe(201));
    const masked = { user: 'ada', password: { value: '***', secret: true } };
    expect(created.body.variables).toEqual(masked);
    const id = created.body.id;
    expect(await storedPassword(id)).toBe(TARGET_PASSWORD);
    const read = await inject<PlanResource>('GET', `/api/v1/plans/${id}`);
    expect(read.body.variables).toEqual(masked);
    const list = await inject<PlanList>('GET', '/api/v1/plans');
    expect(list.body.items.find((p) => p.id === id)?.variables).toEqual(masked);
    for (const answer of [created, read, list]) expect(leaks(answer.text)).toBe(false);

    const first = await runToEnd(id);
    withMessage(JSON.stringify(first), () => expect(first.state).toBe('finished'));
    expect(first.summary?.steps.login?.checks.passed).toBeGreaterThan(0);
    expect(target.stats().unauthorized).toBe(0);
    const runs = await inject<RunList>('GET', `/api/v1/plans/${id}/runs`);
    expect(runs.status).toBe(200);
    expect(leaks(runs.text)).toBe(false);

    // The plan as read (masked), renamed and saved back: the secret stays, and a run still logs in.
    const { id: _id, createdAt: _c, updatedAt: _u, ...asRead } = read.body;
    const replaced = await inject<PlanResource>('PUT', `/api/v1/plans/${id}`, { ...asRead, name: 'secret login, renamed' });
    withMessage(replaced.text, () => expect(replaced.status).toBe(200));
    expect(replaced.body.variables).toEqual(masked);
    expect(await storedPassword(id)).toBe(TARGET_PASSWORD);
    const second = await runToEnd(id);
    expect(second.state).toBe('finished');
    expect(second.summary?.steps.login?.checks.passed).toBeGreaterThan(0);
    expect(target.stats().unauthorized).toBe(0);

    // A new value replaces it: the worker uses it (every login is refused).
    const wrong = await inject<PlanResource>('PUT', `/api/v1/plans/${id}`, {
      ...asRead,
      variables: { user: 'ada', password: { value: 'not-it', secret: true } },
    });
    expect(wrong.status).toBe(200);
    expect(wrong.text).not.toContain('not-it');
    expect(await storedPassword(id)).toBe('not-it');
    await runToEnd(id);
    expect(target.stats().unauthorized).toBeGreaterThan(0);
  }, 90_000);

  it('refuses *** for a secret with no stored secret of that name, naming the variable', async () => {
    const fresh = await inject<ErrorBody>('POST', '/api/v1/plans', { ...plan(), variables: { user: 'ada', password: { value: '***', secret: true } } });
    expect(fresh.status).toBe(400);
    expect(fresh.body.issues).toEqual([{ path: 'variables.password.value', message: expect.stringContaining('password') }]);
    const created = await inject<PlanResource>('POST', '/api/v1/plans', plan());
    const renamed = await inject<ErrorBody>('PUT', `/api/v1/plans/${created.body.id}`, {
      ...plan(),
      variables: { user: 'ada', pass: { value: '***', secret: true }, password: '${pass}' },
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.message).toContain('pass');
    expect(await storedPassword(created.body.id)).toBe(TARGET_PASSWORD);
  });
});
