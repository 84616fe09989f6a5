import { randomUUID } from 'node:crypto';
import { PlanObjectSchema, PROTOCOL_VERSION, type TrialRequestEvent, type TrialResultMessage, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, TARGET_PASSWORD, type TargetServer } from '@loadtest/target';
import { InProcessHub, PortWorkerTransport } from '@loadtest/transport';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { workerIdentity } from '../src/identity.js';
import { WorkerAgent } from '../src/worker-agent.js';

const logger = pino({ level: 'silent' });

/**
 * A trial through a real WorkerAgent (in-process transport) against the test
 * target on 127.0.0.1: one iteration, on the generator a run uses, traced.
 */
describe('trial: one traced iteration on the worker', () => {
  let target: TargetServer;
  let hub: InProcessHub;
  let agent: WorkerAgent;
  const received: WorkerToMaster[] = [];

  /** `shapeOnly`: the plan is only given the message's shape (the master's whole-plan checks skipped), as a worker must not trust them. */
  async function trial(plan: Record<string, unknown>, shapeOnly = false): Promise<TrialResultMessage> {
    const trialId = randomUUID();
    await hub.sendToWorker({
      v: PROTOCOL_VERSION,
      type: 'trial.assign',
      sentAt: Date.now(),
      trialId,
      workerId: 'trial-worker',
      plan: (shapeOnly ? PlanObjectSchema : PlanSchema).parse({ name: 'trial', baseUrl: target.url, ...plan }),
      timeoutSeconds: 5,
      iterationSeconds: 20,
    });
    const deadline = Date.now() + 25_000;
    for (;;) {
      const result = received.find((m): m is TrialResultMessage => m.type === 'trial.result' && m.trialId === trialId);
      if (result) return result;
      if (Date.now() > deadline) throw new Error(`no trial.result for ${trialId} within 25 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const requests = (result: TrialResultMessage) => result.trace.events.filter((e): e is TrialRequestEvent => e.kind === 'request');

  beforeAll(async () => {
    target = await startTarget();
    hub = new InProcessHub(logger);
    await hub.listen(async (m) => void received.push(m));
    const transport = new PortWorkerTransport(hub.connectWorker(), logger, {});
    agent = new WorkerAgent({ ...workerIdentity({}), workerId: 'trial-worker' }, transport, logger);
    await agent.start();
  }, 15_000);

  afterAll(async () => {
    await agent.stop();
    await hub.close();
    await target.close();
  }, 15_000);

  beforeEach(() => target.resetStats());

  it('logs in, takes the token, branches on the status and calls /protected with it: each request as sent and answered, once', async () => {
    const result = await trial({
      steps: [
        {
          name: 'login',
          method: 'POST',
          url: '/login',
          body: { json: { user: 'u', password: TARGET_PASSWORD } },
          extract: [
            { var: 'token', jsonPath: '$.token' },
            { var: 'missing', jsonPath: '$.nope', default: 'dflt' },
          ],
          checks: [{ status: [200] }, { name: 'has a token', bodyContains: 'token' }],
        },
        { kind: 'think', ms: 50 },
        {
          kind: 'if',
          condition: { on: 'status', op: 'equals', value: 200 },
          then: [{ name: 'protected', method: 'GET', url: '/protected', headers: { Authorization: 'Bearer ${token}' }, checks: [{ status: [201] }] }],
          else: [{ name: 'never', method: 'GET', url: '/status/500' }],
        },
      ],
    });
    expect(result.trace.failure).toBeNull();
    expect(result.trace.events.map((e) => e.kind)).toEqual(['request', 'think', 'if', 'request']);
    expect(result.trace.events[1]).toEqual({ kind: 'think', ms: 50 });
    expect(result.trace.events[2]).toEqual({ kind: 'if', name: null, condition: 'status equals 200', taken: 'then' });
    const [login, prot] = requests(result);
    expect(login).toMatchObject({ step: 0, name: 'login', error: null, request: { method: 'POST', url: `${target.url}/login` }, response: { status: 200 } });
    expect(JSON.parse(login!.request!.bodyExcerpt)).toEqual({ user: 'u', password: TARGET_PASSWORD });
    const token = (JSON.parse(login!.response!.bodyExcerpt) as { token: string }).token;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(login!.response!.headers).toContainEqual({ name: 'content-type', value: 'application/json' });
    expect(login!.extracted).toEqual([
      { var: 'token', value: token, defaulted: false },
      { var: 'missing', value: 'dflt', defaulted: true },
    ]);
    expect(login!.checks).toEqual([
      { description: 'status in [200]', passed: true },
      { description: 'has a token', passed: true },
    ]);
    // The header as written on the wire, with the token the login answered.
    expect(prot).toMatchObject({ step: 1, name: 'protected', request: { method: 'GET', url: `${target.url}/protected` }, response: { status: 200 } });
    expect(prot!.request!.headers).toContainEqual({ name: 'Authorization', value: `Bearer ${token}` });
    expect(prot!.checks).toEqual([{ description: 'status in [201]', passed: false }]);
    expect(prot!.response!.latencyMs).toBeGreaterThan(0);
    expect(result.trace.durationMs).toBeGreaterThanOrEqual(50);
    // Exactly one iteration reached the target.
    const stats = target.stats();
    expect(stats.byRoute).toEqual({ 'POST /login': 1, 'GET /protected': 1 });
    expect(stats.unauthorized).toBe(0);
  }, 30_000);

  it('traces a plain sequence too (run as a flow for the trial), and keeps a long body as a 4 KB excerpt', async () => {
    const big = 'x'.repeat(10_000);
    const result = await trial({
      steps: [
        { name: 'root', method: 'GET', url: '/' },
        { name: 'echo', method: 'POST', url: '/echo', body: { text: big } },
      ],
    });
    expect(result.trace.failure).toBeNull();
    const [root, echo] = requests(result);
    expect(root).toMatchObject({ name: 'root', response: { status: 200, bodyExcerpt: 'ok', bodyTruncated: false, bodyBytes: 2 } });
    expect(echo!.request).toMatchObject({ bodyBytes: 10_000, bodyTruncated: true });
    expect(echo!.request!.bodyExcerpt).toHaveLength(4096);
    expect(echo!.response).toMatchObject({ status: 200, bodyBytes: 10_000, bodyTruncated: true });
    expect(target.stats().byRoute).toEqual({ 'GET /': 1, 'POST /echo': 1 });
  }, 30_000);

  it('names a request that timed out, and the checks it failed', async () => {
    const result = await trial({ steps: [{ name: 'slow', method: 'GET', url: '/delay/3000', timeoutSeconds: 1, checks: [{ status: [200] }] }] });
    const [slow] = requests(result);
    expect(slow).toMatchObject({ name: 'slow', response: null, error: { kind: 'timeout' }, checks: [{ description: 'status in [200]', passed: false }] });
    expect(slow!.error!.message).toContain('1000 ms');
  }, 30_000);

  it('refuses a plan that cannot run, naming the field, and sends nothing', async () => {
    const result = await trial({ steps: [{ kind: 'http', name: 'a', method: 'GET', url: '/${nobody}' }] }, true);
    expect(result.trace.events).toEqual([]);
    expect(result.trace.failure).toContain('steps[0].url');
    // Its URL would render as `/` (an unset variable is ''); the earlier test's delayed answer may still land meanwhile.
    expect(target.stats().byRoute['GET /']).toBeUndefined();
  }, 30_000);

  it('shows a refused connection as the error of the request, as a run counts it', async () => {
    const closed = await startTarget();
    const url = closed.url;
    await closed.close();
    const result = await trial({ baseUrl: url, steps: [{ name: 'a', method: 'GET', url: '/', checks: [{ status: [200] }] }] });
    expect(result.trace.failure).toBeNull();
    expect(requests(result)).toEqual([
      expect.objectContaining({
        name: 'a',
        response: null,
        error: { kind: 'refused', message: 'the target refused the connection' },
        checks: [{ description: 'status in [200]', passed: false }],
      }),
    ]);
  }, 30_000);

  it('ends a trial in progress when the worker shuts down, and still answers with what it did', async () => {
    const ownHub = new InProcessHub(logger);
    const got: WorkerToMaster[] = [];
    await ownHub.listen(async (m) => void got.push(m));
    const leaving = new WorkerAgent({ ...workerIdentity({}), workerId: 'leaving' }, new PortWorkerTransport(ownHub.connectWorker(), logger, {}), logger);
    await leaving.start();
    const trialId = randomUUID();
    await ownHub.sendToWorker({
      v: PROTOCOL_VERSION,
      type: 'trial.assign',
      sentAt: Date.now(),
      trialId,
      workerId: 'leaving',
      plan: PlanSchema.parse({ name: 'slow', baseUrl: target.url, steps: [{ name: 'slow', method: 'GET', url: '/delay/25000' }] }),
      timeoutSeconds: 30,
      iterationSeconds: 60,
    });
    // Whether or not its request was sent by then, the trial ends with the worker, long before the target answers (25 s).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stoppedAt = Date.now();
    await leaving.stop('SIGTERM');
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const result = got.find((m): m is TrialResultMessage => m.type === 'trial.result' && m.trialId === trialId);
    expect(result?.trace.failure).toBe('stopped before its end: SIGTERM');
    for (const event of requests(result!)) expect(event).toMatchObject({ response: null, error: { kind: 'interrupted' } });
    await ownHub.close();
  }, 30_000);
});
