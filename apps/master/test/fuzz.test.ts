import type { PlanResource } from '@loadtest/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster, injectAnonymously, playIdleWorker, PLAYED_WORKER_TIMINGS } from './test-master.js';
import { fuzzRequests, validPlan, type FuzzRequest, type WriteRoute } from './fuzz-requests.js';
import { createTestDatabase, RecordingTransport, silent, type TestDatabase } from './support.js';

/**
 * Fixed by default so that a failure can be replayed; FUZZ_SEED=… FUZZ_REQUESTS=… to explore further.
 * FUZZ_SLOW=ms prints the requests answered slower than that.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
/** Fewer: a read route has only its path and query to fuzz. */
const READ_REQUESTS = Math.ceil(REQUESTS / 5);

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
}

/** Every write route (or, with `['get']`, read route) of the app, from its OpenAPI document: a route added later is fuzzed without a change here. */
function writeRoutes(master: Master, methods: readonly string[] = WRITE_METHODS): WriteRoute[] {
  const spec = master.app.swagger() as { paths: Record<string, Partial<Record<string, OpenApiOperation>>> };
  const routes: WriteRoute[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const method of methods) {
      const operation = operations[method];
      if (!operation) continue;
      const queryNames = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      routes.push({ method: method.toUpperCase() as WriteRoute['method'], path, queryNames });
    }
  }
  return routes;
}

/** The figures and the failing requests, for whoever runs the test. */
// eslint-disable-next-line no-console -- the seed, the statuses and the requests that failed are what the test is for
const report = (text: string) => console.info(text);

const describeRequest = (r: FuzzRequest, url: string) =>
  `${r.method} ${url}\ncontent-type: ${r.contentType ?? '(none)'}\n${r.payload === undefined ? '(no body)' : r.payload.length > 2000 ? `${JSON.stringify(r.payload.slice(0, 2000))}… (${r.payload.length} characters)` : JSON.stringify(r.payload)}`;

describe('fuzzed requests to every write route (real PostgreSQL)', () => {
  let db: TestDatabase;
  let master: Master;

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: new RecordingTransport(),
      logger: silent,
      // Workers that never answer stay online through the test, so that fuzzed runs can start (and end as overdue, later).
      timings: PLAYED_WORKER_TIMINGS,
      // Thousands of writes from one address: the write rate limit (security.test.ts) would answer most with a 429.
      security: { writeRateLimitPerMinute: 0 },
    });
    await master.app.ready();
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  it(`answers no fuzzed request with a 5xx (${REQUESTS} requests, seed ${SEED}), and the master stays up`, async () => {
    const routes = writeRoutes(master);
    // The routes this test was written with must be among them; others found are fuzzed too.
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/plans',
        'PUT /api/v1/plans/{id}',
        'DELETE /api/v1/plans/{id}',
        'POST /api/v1/plans/{id}/runs',
        'POST /api/v1/runs/{id}/stop',
        'POST /api/v1/imports/har',
        'POST /api/v1/imports/curl',
        'POST /api/v1/imports/legacy',
      ]),
    );
    const requests = fc.sample(fuzzRequests(routes), { numRuns: REQUESTS, seed: SEED });
    // Some ids that exist, for the `{plan}` and `{run}` placeholders; runs the fuzzing starts are added.
    const planIds: string[] = [];
    const runIds: string[] = ['00000000-0000-4000-8000-000000000000'];
    const newPlan = async () => {
      const created = await master.app.inject({ method: 'POST', url: '/api/v1/plans', payload: validPlan() as object });
      expect(created.statusCode).toBe(201);
      planIds.push(created.json<PlanResource>().id);
    };
    for (let i = 0; i < 3; i++) await newPlan();
    for (const workerId of ['fuzz-w1', 'fuzz-w2', 'fuzz-w3', 'fuzz-w4']) await playIdleWorker(master, workerId);

    report(`fuzz: ${requests.length} requests over ${routes.length} write routes, FUZZ_SEED=${SEED}`);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const byRoute = new Map<string, Record<number, number>>();
    for (const [i, request] of requests.entries()) {
      const url = request.url.replaceAll('{plan}', planIds[i % planIds.length]!).replaceAll('{run}', runIds[i % runIds.length]!);
      const t0 = Date.now();
      // FUZZ_SHOW=n prints request n before it is sent (one that never gets an answer, say).
      if (process.env.FUZZ_SHOW === String(i)) report(`fuzz: #${i}: ${describeRequest(request, url)}`);
      const response = await master.app.inject({
        method: request.method,
        url,
        headers: request.contentType === undefined ? {} : { 'content-type': request.contentType },
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      if (process.env.FUZZ_SLOW && Date.now() - t0 > Number(process.env.FUZZ_SLOW))
        report(`slow #${i} ${Date.now() - t0} ms ${describeRequest(request, url).slice(0, 300)}`);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const route = `${request.method} ${url.split('?')[0]!.replace(/[0-9a-f-]{36}/, '{id}')}`;
      byRoute.set(route, { ...byRoute.get(route), [response.statusCode]: (byRoute.get(route)?.[response.statusCode] ?? 0) + 1 });
      if (response.statusCode >= 500) failures.push(`#${i}: ${response.statusCode} ${response.body.slice(0, 200)}\n${describeRequest(request, url)}`);
      if (response.statusCode === 201 && url.endsWith('/runs')) runIds.push(response.json<{ id: string }>().id);
      // A deleted plan is replaced, so that `{plan}` mostly names one that exists.
      if (response.statusCode === 204 && request.method === 'DELETE') {
        planIds.splice(planIds.indexOf(url.split('/').at(-1)!.split('?')[0]!), 1);
        await newPlan();
      }
    }
    report(`fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    report(
      `fuzz: by route ${JSON.stringify(Object.fromEntries([...byRoute].filter(([, counts]) => Object.values(counts).reduce((a, b) => a + b) > 20)), null, 1)}`,
    );
    if (failures.length > 0) report(`fuzz: ${failures.length} answers >= 500 (FUZZ_SEED=${SEED}); the first ones:\n\n${failures.slice(0, 10).join('\n\n')}`);
    withMessage(failures.slice(0, 3).join('\n\n'), () => expect(failures.length).toBe(0));
    // Most requests must get past the body parser and into the routes' checks, or the fuzzing proves little.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 3);

    // Still alive, and still writing to its database.
    expect((await master.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await newPlan();
  }, 300_000);
  it(`answers no fuzzed path or query of a read route with a 5xx (${READ_REQUESTS} requests, seed ${SEED})`, async () => {
    // The run and the plans the first test left are there to be read; the socket and docs routes take no query.
    const routes = writeRoutes(master, ['get']).filter((route) => route.path.startsWith('/api/v1/') && !route.path.endsWith('/stream'));
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/runs/{id}/timeline', '/api/v1/runs/{id}/summary', '/api/v1/plans/{id}']));
    const plans = (await master.app.inject({ method: 'GET', url: '/api/v1/plans' })).json<{ items: PlanResource[] }>().items;
    const runs = (
      await Promise.all(
        plans.map(async (plan) => (await master.app.inject({ method: 'GET', url: `/api/v1/plans/${plan.id}/runs` })).json<{ items: { id: string }[] }>().items),
      )
    ).flat();
    const planIds = plans.map((plan) => plan.id);
    const runIds = [...runs.map((run) => run.id), '00000000-0000-4000-8000-000000000000'];
    const failures: string[] = [];
    for (const [i, request] of fc.sample(fuzzRequests(routes), { numRuns: READ_REQUESTS, seed: SEED }).entries()) {
      const url = request.url.replaceAll('{plan}', planIds[i % planIds.length]!).replaceAll('{run}', runIds[i % runIds.length]!);
      const response = await master.app.inject({ method: 'GET', url });
      if (response.statusCode >= 500) failures.push(`#${i}: ${response.statusCode} ${response.body.slice(0, 200)}\nGET ${url}`);
    }
    if (failures.length > 0)
      report(`fuzz: ${failures.length} answers >= 500 to reads (FUZZ_SEED=${SEED}); the first ones:\n\n${failures.slice(0, 10).join('\n\n')}`);
    withMessage(failures.slice(0, 3).join('\n\n'), () => expect(failures.length).toBe(0));
    // A name the database is asked for, with a NUL in it, of a run that exists: a 400 naming the field.
    for (const path of ['timeline', 'summary']) {
      const response = await master.app.inject({ method: 'GET', url: `/api/v1/runs/${runIds[0]!}/${path}?worker=w%00&name=a` });
      withMessage(response.body, () => expect(response.statusCode).toBe(400));
      expect(response.json<{ issues: unknown[] }>().issues).toEqual([{ path: 'worker', message: 'must not contain control characters (U+0000 at 1)' }]);
    }
    expect((await master.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  }, 120_000);

  it(`answers fuzzed requests without valid credentials with 401 (public routes aside), never a 2xx or a 5xx (${READ_REQUESTS} requests, seed ${SEED})`, async () => {
    const routes = [...writeRoutes(master), ...writeRoutes(master, ['get'])].filter((route) => route.path.startsWith('/api/v1/'));
    const publicRoutes = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/login-link']);
    const planId =
      (await master.app.inject({ method: 'GET', url: '/api/v1/plans' })).json<{ items: PlanResource[] }>().items[0]?.id ??
      '00000000-0000-4000-8000-000000000000';
    // No credentials, a malformed header, a well-formed token that does not exist, a session cookie that does not exist.
    const credentials: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: `Bearer lt_${'x'.repeat(43)}` },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { cookie: `lt_session=lts_${'y'.repeat(43)}` },
    ];
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const [i, request] of fc.sample(fuzzRequests(routes), { numRuns: READ_REQUESTS, seed: SEED }).entries()) {
      const url = request.url.replaceAll('{plan}', planId).replaceAll('{run}', '00000000-0000-4000-8000-000000000000');
      const response = await injectAnonymously(master.app, {
        method: request.method,
        url,
        headers: { ...credentials[i % credentials.length], ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }) },
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const isPublic = publicRoutes.has(`${request.method} ${url.split('?')[0]!}`);
      // A path that is not even a URL (`/plans/%`), or whose id is longer than the router takes (a 414), is refused by the
      // router before any route or hook: an answer that reveals nothing.
      const notAUrl =
        (response.statusCode === 400 && response.body.includes('FST_ERR_BAD_URL')) ||
        (response.statusCode === 414 && response.body.includes('FST_ERR_MAX_PARAM_LENGTH'));
      const refused = response.statusCode === 401 || notAUrl || (isPublic && response.statusCode >= 400 && response.statusCode < 500);
      if (!refused) failures.push(`#${i}: ${response.statusCode} ${response.body.slice(0, 200)}\n${describeRequest(request, url)}`);
    }
    report(`fuzz (no valid credentials): statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    withMessage(failures.slice(0, 3).join('\n\n'), () => expect(failures).toEqual([]));
    expect(statuses.get(401) ?? 0).toBeGreaterThan(READ_REQUESTS / 2);
  }, 120_000);
});
