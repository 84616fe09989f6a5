import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION, type ErrorBody, type TrialRequestEvent, type TrialResource, type WorkerToMaster } from '@loadtest/protocol';
import { startTarget, TARGET_PASSWORD, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, RecordingTransport, silent, until, type TestDatabase } from './support.js';

async function post<T>(master: Master, payload: unknown): Promise<{ status: number; body: T }> {
  const response = await master.app.inject({ method: 'POST', url: '/api/v1/trials', payload: payload as object });
  return { status: response.statusCode, body: response.json() as T };
}

/** Log in, take the token, branch on the login's status, call /protected with the token (tools/target). */
const loginPlan = (baseUrl: string) => ({
  name: 'try me',
  baseUrl,
  steps: [
    {
      name: 'login',
      method: 'POST',
      url: '/login',
      body: { json: { user: 'trial', password: TARGET_PASSWORD } },
      extract: [{ var: 'token', jsonPath: '$.token' }],
      checks: [{ status: [200] }],
    },
    {
      kind: 'if',
      condition: { on: 'status', op: 'equals', value: 200 },
      then: [
        {
          name: 'protected',
          method: 'GET',
          url: '/protected',
          headers: { Authorization: 'Bearer ${token}' },
          checks: [{ status: [200] }, { jsonPath: '$.ok', equals: false }],
        },
      ],
    },
  ],
});

/**
 * POST /api/v1/trials end to end: the master (real PostgreSQL) sends the trial
 * to a local worker (worker thread, in-process transport), which runs one
 * iteration against the target on 127.0.0.1 and answers its trace.
 */
describe('POST /api/v1/trials with a local worker', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, dashboardDir: null });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 1, silent);
    await until(() => master.registry.available().length === 1, 30_000, 'the worker idle');
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await workers.stop();
    await hub.close();
    await target.close();
    await db.drop();
  }, 60_000);

  beforeEach(() => target.resetStats());

  it('runs one iteration and answers each request: the token extracted, sent in the Authorization header, the checks judged; the target saw exactly those', async () => {
    const { status, body } = await post<TrialResource>(master, { plan: loginPlan(target.url) });
    withMessage(JSON.stringify(body), () => expect(status).toBe(200));
    expect(body.workerId).toBe('local-1');
    expect(body.failure).toBeNull();
    const requests = body.events.filter((e): e is TrialRequestEvent => e.kind === 'request');
    expect(requests.map((r) => [r.name, r.request?.method, r.request?.url, r.response?.status])).toEqual([
      ['login', 'POST', `${target.url}/login`, 200],
      ['protected', 'GET', `${target.url}/protected`, 200],
    ]);
    expect(body.events.find((e) => e.kind === 'if')).toEqual({ kind: 'if', name: null, condition: 'status equals 200', taken: 'then' });
    const [login, prot] = requests;
    const token = (JSON.parse(login!.response!.bodyExcerpt) as { token: string }).token;
    expect(login!.extracted).toEqual([{ var: 'token', value: token, defaulted: false }]);
    expect(login!.checks).toEqual([{ description: 'status in [200]', passed: true }]);
    expect(prot!.request!.headers).toContainEqual({ name: 'Authorization', value: `Bearer ${token}` });
    expect(prot!.checks).toEqual([
      { description: 'status in [200]', passed: true },
      { description: '$.ok equals false', passed: false },
    ]);
    const stats = target.stats();
    expect(stats.byRoute).toEqual({ 'POST /login': 1, 'GET /protected': 1 });
    expect(stats.unauthorized).toBe(0);
    // Nothing stored: no plan, no run.
    expect((await master.app.inject({ method: 'GET', url: '/api/v1/plans' })).json()).toEqual({ items: [] });
    expect((await master.app.inject({ method: 'GET', url: '/api/v1/runs' })).json()).toMatchObject({ items: [] });
  }, 30_000);

  it('sends a secret variable but answers it as *** in the trace (request body, query)', async () => {
    const plan = {
      name: 'secret try',
      baseUrl: target.url,
      variables: { password: { value: TARGET_PASSWORD, secret: true } },
      steps: [
        { name: 'login', method: 'POST', url: '/login?p=${password}', body: { json: { user: 'u', password: '${password}' } }, checks: [{ status: [200] }] },
      ],
    };
    const { status, body } = await post<TrialResource>(master, { plan });
    withMessage(JSON.stringify(body), () => expect(status).toBe(200));
    const [login] = body.events.filter((e): e is TrialRequestEvent => e.kind === 'request');
    // The target took the password: the worker had the value.
    expect(login!.response?.status).toBe(200);
    expect(login!.request?.bodyExcerpt).toBe('{"user":"u","password":"***"}');
    expect(login!.request?.url).toBe(`${target.url}/login?p=***`);
    expect(JSON.stringify(body)).not.toContain(`"${TARGET_PASSWORD}"`);
  }, 30_000);

  it('refuses a plan that cannot run with a 400 naming the field, and sends nothing', async () => {
    const plan = { ...loginPlan(target.url), steps: [{ name: 'a', method: 'GET', url: '/${nobody}' }] };
    const { status, body } = await post<ErrorBody>(master, { plan });
    expect(status).toBe(400);
    expect(body.issues?.map((i) => i.path)).toEqual(['plan.steps[0].url']);
    expect(body.message).toContain('nobody');
    const missing = await post<ErrorBody>(master, {});
    expect(missing.status).toBe(400);
    expect(missing.body.issues?.map((i) => i.path)).toEqual(['plan']);
    expect(target.stats().served).toBe(0);
  });

  it('lists the route in the OpenAPI document with its answers', async () => {
    await master.app.ready();
    const doc = master.app.swagger() as { paths: Record<string, { post?: { responses: object } }> };
    expect(Object.keys(doc.paths['/api/v1/trials']?.post?.responses ?? {}).sort()).toEqual(['200', '400', '409', '503', '504']);
  });
});

/** The master's side alone: the test plays the worker (RecordingTransport), so that it can be busy, silent or late. */
describe('POST /api/v1/trials, the worker played by the test', () => {
  let db: TestDatabase;
  let transport: RecordingTransport;
  let master: Master;
  const plan = loginPlan('http://127.0.0.1:9');

  const hello = (workerId: string): WorkerToMaster => ({
    v: PROTOCOL_VERSION,
    type: 'worker.hello',
    sentAt: Date.now(),
    workerId,
    host: 'test',
    version: 't',
    capabilities: { cores: 1, memoryBytes: 1, maxConnections: 10 },
  });
  const heartbeat = (workerId: string, runId: string | null): WorkerToMaster => ({
    v: PROTOCOL_VERSION,
    type: 'worker.heartbeat',
    sentAt: Date.now(),
    workerId,
    activity: runId ? 'busy' : 'idle',
    runId,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    transport = new RecordingTransport();
    master = await buildTestMaster({ prisma: db.prisma, transport, logger: silent, dashboardDir: null, timings: { trialAnswerSlackMs: 300 } });
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await db.drop();
  }, 60_000);

  it('answers 409 when no worker is idle: none connected, or the only one busy with a run', async () => {
    const none = await post<ErrorBody>(master, { plan });
    expect(none.status).toBe(409);
    expect(none.body.message).toContain('no idle worker');
    await master.orchestrator.handle(hello('busy-1'));
    await master.orchestrator.handle(heartbeat('busy-1', randomUUID()));
    const busy = await post<ErrorBody>(master, { plan });
    expect(busy.status).toBe(409);
    expect(transport.sent).toEqual([]);
  });

  it('sends trial.assign to an idle worker only, and answers 504 naming it when it does not answer in time; a late answer is dropped', async () => {
    await master.orchestrator.handle(hello('idle-1'));
    await master.orchestrator.handle(heartbeat('idle-1', null));
    const { status, body } = await post<ErrorBody>(master, { plan, iterationSeconds: 1 });
    expect(status).toBe(504);
    expect(body.message).toContain('worker idle-1 did not answer');
    const sent = transport.sent.filter((m) => m.type === 'trial.assign');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ workerId: 'idle-1', timeoutSeconds: 10, iterationSeconds: 1, plan: { name: 'try me', baseUrl: 'http://127.0.0.1:9' } });
  });

  it('answers with the trace the worker sent for the trial, matched by id and worker', async () => {
    transport.sent.length = 0;
    const answer = post<TrialResource>(master, { plan, iterationSeconds: 5 });
    const assign = await until(() => transport.sent.find((m) => m.type === 'trial.assign'), 5000, 'trial.assign sent');
    if (assign.type !== 'trial.assign') throw new Error('not a trial');
    const trace = { events: [{ kind: 'think' as const, ms: 5 }], eventsTruncated: false, failure: null, durationMs: 5 };
    const result = { v: PROTOCOL_VERSION, type: 'trial.result' as const, sentAt: Date.now(), trialId: assign.trialId, trace };
    // Another worker's answer to it is not taken.
    master.trials.onResult({ ...result, workerId: 'someone-else' });
    master.trials.onResult({ ...result, workerId: assign.workerId });
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body).toEqual({ trialId: assign.trialId, workerId: 'idle-1', ...trace });
  });
});
