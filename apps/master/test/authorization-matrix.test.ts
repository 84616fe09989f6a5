import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { roleAllows, type Access, type CreatedApiToken, type PlanResource, type Role, type RunResource } from '@loadtest/protocol';
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import type { Master } from '../src/app.js';
import { buildTestMaster, injectAnonymously, playIdleWorker, PLAYED_WORKER_TIMINGS } from './test-master.js';
import { createTestDatabase, RecordingTransport, silent, type TestDatabase } from './support.js';

const CALLERS = ['none', 'viewer', 'operator', 'admin', 'expired', 'revoked'] as const;
type Caller = (typeof CALLERS)[number];

const PASSWORD = 'matrix password, long enough';
const json = (path: string): object => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as object;
const plan = (name: string) => ({ name, baseUrl: 'http://127.0.0.1:9', steps: [{ name: 'home', method: 'GET', url: '/' }] });

/** What a route is called with (its path's ids filled), and what it answers a caller it lets in. */
interface RouteCase {
  access: Access;
  call(): Promise<Omit<InjectOptions, 'method'>> | Omit<InjectOptions, 'method'>;
  allowed: number;
}

/**
 * The matrix: every route of the OpenAPI document (a route missing here fails the test) × every kind of caller.
 * Expected: no valid credentials (none, an expired token, a revoked one) → 401; a role below the route's → 403;
 * otherwise the route's own answer, a 2xx wherever a test double can make one. Public routes answer everyone alike.
 */
describe('authorization matrix: every route × {no token, viewer, operator, admin, expired token, revoked token} (real PostgreSQL)', () => {
  let db: TestDatabase;
  let master: Master;
  const tokens = {} as Record<Exclude<Caller, 'none'>, string>;
  let planId: string;
  let runId: string;
  let targetUserId: string;
  let workerCount = 0;
  let counter = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: new RecordingTransport(),
      logger: silent,
      dashboardDir: null,
      timings: PLAYED_WORKER_TIMINGS,
      security: { writeRateLimitPerMinute: 0, loginRateLimitPerMinute: 1000 },
    });
    await master.app.ready();
    const system = { actorId: null, actor: 'matrix', via: null, ip: null } as const;
    const far = new Date(Date.now() + 3600_000);
    for (const role of ['viewer', 'operator', 'admin'] as Role[]) {
      const user = await master.auth.createUser({ username: `matrix-${role}`, role, password: PASSWORD }, null);
      tokens[role] = (await master.auth.createToken({ userId: user!.id, name: role, expiresAt: far }, { ...system, action: 'token.created' })).token;
    }
    const admin = (await master.auth.userByName('matrix-admin'))!;
    const expired = await master.auth.createToken(
      { userId: admin.id, name: 'expired', expiresAt: new Date(Date.now() - 1000) },
      { ...system, action: 'token.created' },
    );
    tokens.expired = expired.token;
    const revoked = await master.auth.createToken({ userId: admin.id, name: 'revoked', expiresAt: far }, { ...system, action: 'token.created' });
    await master.auth.revokeToken(revoked.id, { ...system, action: 'token.revoked' });
    tokens.revoked = revoked.token;
    targetUserId = (await master.auth.createUser({ username: 'matrix-target', role: 'viewer' }, null))!.id;
    planId = (await master.app.inject({ method: 'POST', url: '/api/v1/plans', payload: plan('matrix') })).json<PlanResource>().id;
    runId = await startRun();
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  /** A new idle worker (played by the test) so that a run can always start. */
  async function freshWorker(): Promise<void> {
    workerCount++;
    await playIdleWorker(master, `matrix-w${workerCount}`);
  }
  async function startRun(): Promise<string> {
    await freshWorker();
    const started = await master.app.inject({ method: 'POST', url: `/api/v1/plans/${planId}/runs`, payload: { connections: 1, durationSeconds: 60 } });
    expect(started.statusCode).toBe(201);
    return started.json<RunResource>().id;
  }
  const unique = () => `${++counter}`;

  const ROUTES: Record<string, RouteCase> = {
    'GET /health': { access: 'public', call: () => ({}), allowed: 200 },
    'GET /healthz': { access: 'public', call: () => ({}), allowed: 200 },
    'GET /readyz': { access: 'public', call: () => ({}), allowed: 200 },
    'GET /metrics': { access: 'public', call: () => ({}), allowed: 200 },
    'POST /api/v1/auth/login': { access: 'public', call: () => ({ payload: { username: 'matrix-viewer', password: PASSWORD } }), allowed: 200 },
    // A link that does not exist: the same 401 for everyone (a valid one works once; auth.test.ts uses one).
    'POST /api/v1/auth/login-link': { access: 'public', call: () => ({ payload: { token: `ltl_${'n'.repeat(43)}` } }), allowed: 401 },
    'GET /api/v1/auth/me': { access: 'viewer', call: () => ({}), allowed: 200 },
    'POST /api/v1/auth/logout': { access: 'viewer', call: () => ({}), allowed: 204 },
    'GET /api/v1/plans': { access: 'viewer', call: () => ({}), allowed: 200 },
    'POST /api/v1/plans': { access: 'operator', call: () => ({ payload: plan(`created ${unique()}`) }), allowed: 201 },
    'GET /api/v1/plans/{id}': { access: 'viewer', call: () => ({ url: `/api/v1/plans/${planId}` }), allowed: 200 },
    'PUT /api/v1/plans/{id}': { access: 'operator', call: () => ({ url: `/api/v1/plans/${planId}`, payload: plan('matrix') }), allowed: 200 },
    'DELETE /api/v1/plans/{id}': {
      access: 'operator',
      call: async () => ({
        url: `/api/v1/plans/${(await master.app.inject({ method: 'POST', url: '/api/v1/plans', payload: plan('doomed') })).json<PlanResource>().id}`,
      }),
      allowed: 204,
    },
    'POST /api/v1/plans/{id}/runs': {
      access: 'operator',
      call: async () => {
        await freshWorker();
        return { url: `/api/v1/plans/${planId}/runs`, payload: { connections: 1, durationSeconds: 60 } };
      },
      allowed: 201,
    },
    'GET /api/v1/plans/{id}/runs': { access: 'viewer', call: () => ({ url: `/api/v1/plans/${planId}/runs` }), allowed: 200 },
    'GET /api/v1/runs': { access: 'viewer', call: () => ({}), allowed: 200 },
    'GET /api/v1/runs/{id}': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}` }), allowed: 200 },
    'GET /api/v1/runs/{id}/timeline': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/timeline` }), allowed: 200 },
    'GET /api/v1/runs/{id}/summary': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/summary` }), allowed: 200 },
    // The matrix's run is pending (its workers never answer): a report of what there is so far.
    'GET /api/v1/runs/{id}/report.html': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/report.html` }), allowed: 200 },
    'GET /api/v1/runs/{id}/report.json': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/report.json` }), allowed: 200 },
    'GET /api/v1/runs/{id}/report.xml': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/report.xml` }), allowed: 200 },
    'POST /api/v1/runs/{id}/stop': { access: 'operator', call: async () => ({ url: `/api/v1/runs/${await startRun()}/stop` }), allowed: 202 },
    // A plain GET, not an upgrade: past authentication, the WebSocket route says it wants one (websocket-origin.test.ts opens it).
    'GET /api/v1/runs/{id}/stream': { access: 'viewer', call: () => ({ url: `/api/v1/runs/${runId}/stream` }), allowed: 404 },
    'GET /api/v1/workers': { access: 'viewer', call: () => ({}), allowed: 200 },
    'POST /api/v1/imports/har': {
      access: 'operator',
      call: () => ({ payload: json('../../../libs/plan-import/test/fixtures/shop-session.har') }),
      allowed: 200,
    },
    'POST /api/v1/imports/curl': { access: 'operator', call: () => ({ payload: { commands: 'curl http://127.0.0.1:9/' } }), allowed: 200 },
    'POST /api/v1/imports/legacy': {
      access: 'operator',
      call: () => ({ payload: json('../../../libs/plan-import/test/fixtures/legacy-saved-plan.json') }),
      allowed: 200,
    },
    // An empty body: past authorization, the body is checked (a 2xx needs a worker that answers: trials.test.ts).
    'POST /api/v1/trials': { access: 'operator', call: () => ({ payload: {} }), allowed: 400 },
    'GET /api/v1/users': { access: 'admin', call: () => ({}), allowed: 200 },
    'POST /api/v1/users': { access: 'admin', call: () => ({ payload: { username: `made-${unique()}`, role: 'viewer' } }), allowed: 201 },
    'PATCH /api/v1/users/{id}': { access: 'admin', call: () => ({ url: `/api/v1/users/${targetUserId}`, payload: { role: 'viewer' } }), allowed: 200 },
    'GET /api/v1/tokens': { access: 'admin', call: () => ({}), allowed: 200 },
    'POST /api/v1/tokens': { access: 'admin', call: () => ({ payload: { name: `made ${unique()}`, userId: targetUserId } }), allowed: 201 },
    'DELETE /api/v1/tokens/{id}': {
      access: 'admin',
      call: async () => ({
        url: `/api/v1/tokens/${(await master.app.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'doomed', userId: targetUserId } })).json<CreatedApiToken>().id}`,
      }),
      allowed: 204,
    },
    'GET /api/v1/audit': { access: 'admin', call: () => ({}), allowed: 200 },
    'GET /api/v1/target-allowlist': { access: 'viewer', call: () => ({}), allowed: 200 },
    'PUT /api/v1/target-allowlist': { access: 'admin', call: () => ({ payload: { entries: ['127.0.0.1:9'] } }), allowed: 200 },
  };

  function expected(route: RouteCase, caller: Caller): number {
    if (route.access === 'public') return route.allowed;
    if (caller === 'none' || caller === 'expired' || caller === 'revoked') return 401;
    return roleAllows(caller, route.access) ? route.allowed : 403;
  }

  it('covers every route of the OpenAPI document', () => {
    const spec = master.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    // The WebSocket route is left out of the OpenAPI document by @fastify/swagger; it is in the matrix all the same.
    const websocketOnly = ['GET /api/v1/runs/{id}/stream'];
    expect(master.app.hasRoute({ method: 'GET', url: '/api/v1/runs/:id/stream' })).toBe(true);
    expect([...documented, ...websocketOnly].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers each caller 401, 403 or the route’s own answer, never a 5xx', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const [key, route] of Object.entries(ROUTES)) {
      const [method, path] = key.split(' ') as [InjectOptions['method'], string];
      for (const caller of CALLERS) {
        const options = await route.call();
        const headers = caller === 'none' ? {} : { authorization: `Bearer ${tokens[caller]}` };
        const response = await injectAnonymously(master.app, { method, url: path, ...options, headers: { ...headers, ...(options.headers ?? {}) } });
        cells++;
        const want = expected(route, caller);
        if (response.statusCode !== want) mismatches.push(`${key} as ${caller}: ${response.statusCode} (expected ${want}) ${response.body.slice(0, 160)}`);
      }
    }
    // eslint-disable-next-line no-console -- the matrix's size, for the record
    console.info(`authorization matrix: ${Object.keys(ROUTES).length} routes × ${CALLERS.length} callers = ${cells} calls, ${mismatches.length} unexpected`);
    expect(mismatches).toEqual([]);
    expect(cells).toBe(Object.keys(ROUTES).length * CALLERS.length);
  }, 120_000);
});
