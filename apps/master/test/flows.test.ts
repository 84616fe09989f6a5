import type { PlanResource, RunResource, StepSummary } from '@loadtest/protocol';
import { startTarget, TARGET_PASSWORD, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

/**
 * Multi-step flows end to end: plans with extraction, templates, checks, `if`,
 * think times and feeders, POSTed to the master, split over 3 local workers
 * (worker threads, in-process transport, real PostgreSQL), and measured both
 * in the run's per-step summary and at the target (tools/target), which counts
 * authorization failures and the rows it was asked for.
 */
describe('multi-step flows, end to end', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json() as T };
  };

  /** Stores `plan` (a base URL on the target is added), runs it with `load`, and resolves with the finished run. */
  async function run(plan: Record<string, unknown>, load: Record<string, unknown>): Promise<RunResource> {
    const stored = await inject<PlanResource>('POST', '/api/v1/plans', { baseUrl: target.url, ...plan });
    withMessage(JSON.stringify(stored.body), () => expect(stored.status).toBe(201));
    target.resetStats();
    const started = await inject<RunResource>('POST', `/api/v1/plans/${stored.body.id}/runs`, load);
    withMessage(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    return until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        if (r.body.state === 'failed') throw new Error(`run failed: ${JSON.stringify(r.body)}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      30_000,
      'run finished',
    );
  }

  const step = (done: RunResource, name: string): StepSummary => {
    const found = done.summary?.steps[name];
    if (!found) throw new Error(`no step "${name}" in the summary (steps: ${Object.keys(done.summary?.steps ?? {}).join(', ')})`);
    return found;
  };
  const used = (done: RunResource) => done.workers.filter((w) => w.windows > 0).length;

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 500 } });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 3, silent);
    await until(() => master.registry.available().length === 3, 30_000, '3 workers online');
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await workers.stop();
    await hub.close();
    await target.close();
    await db.drop();
  }, 60_000);

  it('logs in, extracts the token and calls /protected with it: no authorization failure at the target, every check passed', async () => {
    const done = await run(
      {
        name: 'login flow',
        steps: [
          {
            name: 'login',
            method: 'POST',
            url: '/login',
            body: { json: { user: 'user-${n}', password: TARGET_PASSWORD } },
            extract: [{ var: 'token', jsonPath: '$.token' }],
            checks: [{ status: [200] }],
          },
          {
            name: 'protected',
            method: 'GET',
            url: '/protected',
            headers: { Authorization: 'Bearer ${token}' },
            checks: [{ status: [200] }, { jsonPath: '$.ok', equals: true }],
          },
        ],
        variables: { n: 1 },
      },
      { connections: 3, durationSeconds: 2 },
    );
    const stats = target.stats();
    const login = step(done, 'login');
    const prot = step(done, 'protected');
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `login flow on ${used(done)} workers: ${login.requests} logins, ${prot.requests} protected calls; checks login ${login.checks.passed}/${login.checks.failed}, protected ${prot.checks.passed}/${prot.checks.failed} (passed/failed); target: ${stats.unauthorized} unauthorized, ${stats.byRoute['GET /protected'] ?? 0} protected served`,
    );
    expect(used(done)).toBe(3);
    expect(stats.unauthorized).toBe(0);
    expect(prot.requests).toBeGreaterThan(100);
    expect(prot.statusCodes).toEqual({ '200': prot.requests });
    // The status check and the token's extraction per login; two checks per protected call.
    expect(login.checks).toEqual({ passed: 2 * login.requests, failed: 0 });
    expect(prot.checks).toEqual({ passed: 2 * prot.requests, failed: 0 });
  });

  it('a 100-row CSV in unique mode over 3 workers: each row used once at the target, 100 uses in all', async () => {
    const csv = `id,name\n${Array.from({ length: 100 }, (_, i) => `${i + 1},user ${i + 1}`).join('\n')}\n`;
    const done = await run(
      {
        name: 'unique rows',
        attachments: [{ name: 'users.csv', text: csv }],
        feeders: [{ name: 'user', attachment: 'users.csv', mode: 'unique', onExhausted: 'stop' }],
        steps: [{ name: 'row', method: 'GET', url: '/rows/${user.id}', headers: { 'x-user': '${user.name}' }, checks: [{ status: [200] }] }],
      },
      { scenarios: [{ name: 'users', executor: 'constant-vus', vus: 6, duration: 2 }] },
    );
    const rows = target.stats().rows;
    const counts = Object.values(rows);
    const row = step(done, 'row');
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `unique CSV on ${used(done)} workers, 6 VUs: ${Object.keys(rows).length} distinct rows, ${counts.reduce((a, b) => a + b, 0)} uses, most uses of one row ${Math.max(...counts)}; run requests ${row.requests}`,
    );
    expect(used(done)).toBe(3);
    expect(Object.keys(rows).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(counts.every((n) => n === 1)).toBe(true);
    expect(row.requests).toBe(100);
    expect(row.checks).toEqual({ passed: 100, failed: 0 });
  });

  it('an if on status takes the right branch both ways: /status/200 leads to one named step, /status/500 to the other', async () => {
    const done = await run(
      {
        name: 'branches',
        attachments: [{ name: 'codes.csv', text: 'code\n200\n500\n' }],
        feeders: [{ name: 'c', attachment: 'codes.csv', mode: 'sequential' }],
        steps: [
          { name: 'probe', method: 'GET', url: '/status/${c.code}' },
          {
            kind: 'if',
            condition: { on: 'status', op: 'equals', value: 200 },
            then: [{ name: 'after-ok', method: 'GET', url: '/status/202' }],
            else: [{ name: 'after-error', method: 'GET', url: '/status/203' }],
          },
        ],
      },
      { scenarios: [{ name: 'vus', executor: 'constant-vus', vus: 4, duration: 2 }] },
    );
    const probe = step(done, 'probe');
    const ok = step(done, 'after-ok');
    const error = step(done, 'after-error');
    const probed200 = probe.statusCodes['200'] ?? 0;
    const probed500 = probe.statusCodes['500'] ?? 0;
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `if on status: probe answered 200 ×${probed200}, 500 ×${probed500}; then-branch ${ok.requests} (${JSON.stringify(ok.statusCodes)}), else-branch ${error.requests} (${JSON.stringify(error.statusCodes)})`,
    );
    expect(probed200).toBeGreaterThan(100);
    expect(probed500).toBeGreaterThan(100);
    expect(ok.statusCodes).toEqual({ '202': ok.requests });
    expect(error.statusCodes).toEqual({ '203': error.requests });
    // Each answer leads to its branch; only iterations cut at the end (one per VU at most) miss theirs.
    expect(ok.requests).toBeLessThanOrEqual(probed200);
    expect(ok.requests).toBeGreaterThanOrEqual(probed200 - 4);
    expect(error.requests).toBeLessThanOrEqual(probed500);
    expect(error.requests).toBeGreaterThanOrEqual(probed500 - 4);
  });

  it('random think 50–150 ms with 10 VUs: the request rate is 10 / (0.1 s + latency) within ±15%', async () => {
    const seconds = 4;
    const done = await run(
      {
        name: 'think',
        steps: [
          { name: 'ping', method: 'GET', url: '/' },
          { kind: 'think', minMs: 50, maxMs: 150 },
        ],
      },
      { scenarios: [{ name: 'vus', executor: 'constant-vus', vus: 10, duration: seconds }] },
    );
    const ping = step(done, 'ping');
    const latency = ping.latencyMicros!.mean / 1e6;
    const expected = 10 / (0.1 + latency);
    const rate = ping.requests / seconds;
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `think 50–150 ms, 10 VUs on ${used(done)} workers: ${rate.toFixed(1)} req/s measured, ${expected.toFixed(1)} expected (mean latency ${(latency * 1000).toFixed(2)} ms), error ${(((rate - expected) / expected) * 100).toFixed(1)}%`,
    );
    expect(Math.abs(rate - expected) / expected).toBeLessThanOrEqual(0.15);
  });

  it('checks are counted when the target fails on purpose: a status [200] check on /status/503 fails once per request', async () => {
    const done = await run(
      {
        name: 'failing',
        steps: [
          {
            name: 'unavailable',
            method: 'GET',
            url: '/status/503',
            checks: [{ status: [200] }, { status: [503] }, { bodyContains: 'status 503' }, { latencyBelowMs: 5000 }],
          },
        ],
      },
      { scenarios: [{ name: 'vus', executor: 'constant-vus', vus: 3, duration: 2 }] },
    );
    const failing = step(done, 'unavailable');
    // eslint-disable-next-line no-console -- the measured figures, in the test output
    console.info(
      `/status/503 with 4 checks: ${failing.requests} requests, ${failing.checks.passed} checks passed, ${failing.checks.failed} failed; errors ${failing.errorCount}`,
    );
    expect(failing.requests).toBeGreaterThan(100);
    expect(failing.statusCodes).toEqual({ '503': failing.requests });
    expect(failing.checks).toEqual({ passed: 3 * failing.requests, failed: failing.requests });
    expect(done.summary!.checks).toEqual(failing.checks);
  });
});
