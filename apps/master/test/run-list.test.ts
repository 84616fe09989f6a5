import fc from 'fast-check';
import { encodeWindowBase64, mergeWindows, summarizeMerged, WindowRecorder, decodeWindowBase64 } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type ErrorBody, type RunList, type RunResource } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { InProcessHub } from '@loadtest/transport';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { PlanRepository } from '../src/plans/plan-repository.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** One worker's window for one second: `requests` responses of 1 ms + seq µs. */
function windowData(second: number, requests: number): string {
  const recorder = new WindowRecorder();
  for (let i = 0; i < requests; i++) recorder.recordResponse('r', i % 5 === 0 ? 500 : 200, 10, 5, 1000 + second * 10 + i);
  return encodeWindowBase64(recorder.take(second, 1000));
}

interface SeededRun {
  id: string;
  planId: string;
  state: RunResource['state'];
  verdict: 'passed' | 'failed' | null;
  createdAt: Date;
}

describe('GET /api/v1/runs: paged, filtered, newest first, in a fixed number of queries (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let hub: InProcessHub;
  let master: Master;
  let planA: string;
  let planB: string;
  const seeded: SeededRun[] = [];
  /** SQL statements sent by the master's Prisma client. */
  const queries: string[] = [];

  const get = async <T>(url: string) => {
    const response = await master.app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json<T>() };
  };
  /** Every page of a list, following nextCursor. */
  const allPages = async (url: string) => {
    const pages: RunList[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: RunList } = await get<RunList>(`${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  };
  const newestFirst = (runs: SeededRun[]) => [...runs].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1)).map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase();
    // The master's own client, logging each SQL statement it sends.
    const logging = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }), log: [{ emit: 'event', level: 'query' }] });
    logging.$on('query', (event) => queries.push(event.query));
    prisma = logging;
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma, transport: hub, logger: silent });
    const plans = new PlanRepository(db.prisma);
    const plan = (name: string) => PlanSchema.parse({ name, baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] });
    planA = (await plans.create(plan('a'))).id;
    planB = (await plans.create(plan('b'))).id;
    // 33 runs written as the master writes them, a minute apart (two of them at the same instant: ties go by id).
    const runs = new RunRepository(db.prisma);
    const states: RunResource['state'][] = ['finished', 'failed', 'stopped', 'finished', 'interrupted'];
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 33; i++) {
      const planId = i % 3 === 0 ? planB : planA;
      const active = i === 31;
      const state: RunResource['state'] = active ? 'running' : states[i % states.length]!;
      const id = await runs.create({
        planId,
        plan: plan(planId === planA ? 'a' : 'b'),
        load: {
          scenarios: [{ name: 'default', executor: 'constant-vus', vus: 2, duration: 3, startTime: 0, gracefulStop: 0 }],
          durationSeconds: 3,
          reportEvery: '1s',
        } as never,
        thresholds: [],
        startAt: new Date(start),
        workers: ['w1', 'w2'].map((workerId, index) => ({
          workerId,
          index,
          connections: 1,
          segment: { from: { num: index, den: 2 }, to: { num: index + 1, den: 2 } },
          clockOffsetMs: 0,
        })),
      });
      const windows = ['w1', 'w2'].flatMap((workerId) =>
        [0, 1, 2].map((seq) => ({
          v: PROTOCOL_VERSION,
          type: 'run.window' as const,
          sentAt: 0,
          runId: id,
          workerId,
          seq,
          second: seq,
          data: windowData(seq, 3 + ((i + seq) % 4)),
        })),
      );
      await runs.insertWindows(windows.map((window) => ({ window, bytes: Buffer.from(window.data, 'base64'), measured: decodeWindowBase64(window.data) })));
      const createdAt = new Date(start + (i === 20 ? 19 : i) * 60_000);
      const verdict = active ? null : i % 4 === 0 ? 'failed' : 'passed';
      const summary = summarizeMerged(mergeWindows(windows.map((w) => decodeWindowBase64(w.data))));
      await db.prisma.run.update({
        where: { id },
        data: {
          createdAt,
          state,
          ...(active ? {} : { verdict, summary: summary as object, thresholdResults: [], endedAt: new Date(createdAt.getTime() + 5000) }),
        },
      });
      seeded.push({ id, planId, state, verdict, createdAt });
    }
  }, 120_000);

  afterAll(async () => {
    await master.app.close();
    await hub.close();
    await prisma.$disconnect();
    await db.drop();
  }, 60_000);

  it('pages through every run, newest first, each once, by cursor', async () => {
    const pages = await allPages('/api/v1/runs?limit=7');
    expect(pages.map((p) => p.items.length)).toEqual([7, 7, 7, 7, 5]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages.flatMap((p) => p.items.map((r) => r.id))).toEqual(newestFirst(seeded));
    // The default page is 20 runs.
    expect((await get<RunList>('/api/v1/runs')).body.items).toHaveLength(20);
    // Each run as GET /runs/:id answers it, windows per worker and summary included.
    const first = pages[0]!.items[0]!;
    expect(first).toEqual((await get<RunResource>(`/api/v1/runs/${first.id}`)).body);
    expect(first.workers.map((w) => w.windows)).toEqual([3, 3]);
  });

  it('filters by plan, state, verdict and creation time, and the filters combine', async () => {
    const ids = async (query: string) => (await allPages(`/api/v1/runs?limit=4&${query}`)).flatMap((p) => p.items.map((r) => r.id));
    expect(await ids(`planId=${planB}`)).toEqual(newestFirst(seeded.filter((r) => r.planId === planB)));
    expect(await ids('state=running')).toEqual(newestFirst(seeded.filter((r) => r.state === 'running')));
    expect(await ids('state=finished,failed')).toEqual(newestFirst(seeded.filter((r) => r.state === 'finished' || r.state === 'failed')));
    expect(await ids('verdict=failed')).toEqual(newestFirst(seeded.filter((r) => r.verdict === 'failed')));
    const since = '2026-01-01T00:10:00Z';
    const until = '2026-01-01T00:20:00.000+00:00';
    const inRange = (r: SeededRun) => r.createdAt.getTime() >= Date.parse(since) && r.createdAt.getTime() < Date.parse(until);
    expect(await ids(`since=${since}&until=${encodeURIComponent(until)}`)).toEqual(newestFirst(seeded.filter(inRange)));
    expect(await ids(`planId=${planA}&verdict=passed&since=${since}`)).toEqual(
      newestFirst(seeded.filter((r) => r.planId === planA && r.verdict === 'passed' && r.createdAt.getTime() >= Date.parse(since))),
    );
    expect(await ids(`planId=${MISSING_ID}`)).toEqual([]);
  });

  it("writes a run's shares in one statement, however many workers it has", async () => {
    const workers = 500;
    queries.length = 0;
    const id = await new RunRepository(prisma).create({
      planId: planA,
      plan: PlanSchema.parse({ name: 'wide', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }),
      load: {
        scenarios: [{ name: 'default', executor: 'constant-vus', vus: workers, duration: 3, startTime: 0, gracefulStop: 0 }],
        durationSeconds: 3,
        reportEvery: '1s',
      } as never,
      thresholds: [],
      startAt: new Date(),
      workers: Array.from({ length: workers }, (_, index) => ({
        workerId: `wide-${index}`,
        index,
        connections: 1,
        segment: { from: { num: index, den: workers }, to: { num: index + 1, den: workers } },
        clockOffsetMs: index % 7,
      })),
    });
    expect(queries.filter((q) => /INSERT INTO "public"\."run_workers"/.test(q))).toHaveLength(1);
    const stored = await new RunRepository(db.prisma).get(id);
    expect(stored!.workers).toHaveLength(workers);
    expect(stored!.workers[499]).toMatchObject({ workerId: 'wide-499', index: 499, clockOffsetMs: 499 % 7 });
    await db.prisma.run.delete({ where: { id } });
  });

  it('costs the same few SQL queries whatever the page size', async () => {
    // A live run's totals are read once, the first time it is shown after the master started; then kept.
    await get<RunList>('/api/v1/runs?limit=100');
    const countFor = async (url: string) => {
      queries.length = 0;
      const response = await get<RunList>(url);
      expect(response.status).toBe(200);
      // The caller's token and its user are looked up (and the token's last use written, at most once a minute) apart from the list.
      const listQueries = queries.filter((q) => !q.includes('"api_tokens"') && !q.includes('"users"'));
      expect(queries.length - listQueries.length).toBeLessThanOrEqual(3);
      return { runs: response.body.items.length, queries: listQueries.length };
    };
    const small = await countFor('/api/v1/runs?limit=2');
    const large = await countFor('/api/v1/runs?limit=33');
    expect(small.runs).toBe(2);
    expect(large.runs).toBe(33);
    // Runs, their workers, their window counts.
    expect(small.queries).toBe(3);
    expect(large.queries).toBe(3);
    const plansRuns = await countFor(`/api/v1/plans/${planA}/runs?limit=100`);
    expect(plansRuns.runs).toBe(seeded.filter((r) => r.planId === planA).length);
    // The plan is looked up first (404 for an unknown plan).
    expect(plansRuns.queries).toBe(4);
  });

  it("pages a plan's runs the same way", async () => {
    const pages = await allPages(`/api/v1/plans/${planA}/runs?limit=5`);
    expect(pages.flatMap((p) => p.items.map((r) => r.id))).toEqual(newestFirst(seeded.filter((r) => r.planId === planA)));
    expect((await get<ErrorBody>(`/api/v1/plans/${MISSING_ID}/runs`)).status).toBe(404);
  });

  it("shows a live run's summary as a re-merge of its stored windows gives it", async () => {
    const live = seeded.find((r) => r.state === 'running')!;
    const listed = (await get<RunList>('/api/v1/runs?state=running')).body.items[0]!;
    expect(listed.summary).toEqual(summarizeMerged(await new RunRepository(db.prisma).mergeStored(live.id)));
    expect(listed.summary!.requests).toBeGreaterThan(0);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['state=running,sleeping', 'state'],
    ['verdict=maybe', 'verdict'],
    ['since=yesterday', 'since'],
    ['since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'until'],
    ['planId=42', 'planId'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    // A forged cursor: digits, a dot, then 36 dashes (not a UUID: the database must not be asked).
    [`cursor=${Buffer.from(`1.${'-'.repeat(36)}`).toString('base64url')}`, 'cursor'],
  ])('answers ?%s with 400 naming %s', async (query, field) => {
    const response = await get<ErrorBody>(`/api/v1/runs?${query}`);
    expect(response.status).toBe(400);
    // `state[1]` names the second of a list.
    expect(response.body.issues?.some((i) => i.path === field || i.path.startsWith(`${field}[`))).toBe(true);
  });

  it('answers any query string with 200 or a 400, never a 5xx', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('0', '-1', '100', '1e3', 'running,finished', 'passed', '2026-01-01T00:00:00Z', 'null', ''),
    );
    const key = fc.constantFrom('limit', 'cursor', 'state', 'verdict', 'since', 'until', 'planId', 'other');
    const queries = fc.sample(fc.array(fc.tuple(key, value), { maxLength: 4 }), { numRuns: 300, seed: 11 });
    for (const pairs of queries) {
      const query = new URLSearchParams(pairs).toString();
      const response = await master.app.inject({ method: 'GET', url: `/api/v1/runs?${query}` });
      expect([query, response.statusCode === 200 || response.statusCode === 400]).toEqual([query, true]);
    }
  });

  it('documents the list in OpenAPI: its parameters and the answer with nextCursor', async () => {
    const doc = (await get<{ paths: Record<string, Record<string, { description: string; parameters: { name: string }[] }>> }>('/api/docs/json')).body;
    const list = doc.paths['/api/v1/runs']!.get!;
    expect(list.parameters.map((p) => p.name).sort()).toEqual(['cursor', 'limit', 'planId', 'since', 'state', 'until', 'verdict']);
    expect(list.description).toContain('nextCursor');
    expect(doc.paths['/api/v1/plans/{id}/runs']!.get!.parameters.map((p) => p.name)).toContain('cursor');
  });
});
