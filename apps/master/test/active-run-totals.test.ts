import { encodeWindowBase64, summarizeMerged, WindowRecorder } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunResource, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { ActiveRunTotals } from '../src/live/active-run-totals.js';
import { PlanRepository } from '../src/plans/plan-repository.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { createTestDatabase, RecordingTransport, silent, until, type TestDatabase } from './support.js';

const WORKERS = ['w1', 'w2', 'w3'];

/** A worker's window for one second, with two steps, statuses, errors and latencies that differ per worker and second. */
function window(runId: string, workerId: string, seq: number): WorkerToMaster {
  const recorder = new WindowRecorder();
  const n = 5 + ((seq * 7 + workerId.charCodeAt(1)) % 11);
  for (let i = 0; i < n; i++) {
    recorder.recordResponse(i % 2 === 0 ? 'login' : 'home', i % 7 === 0 ? 503 : 200, 100 + i, 20, 800 + ((seq * 131 + i * 977) % 50_000));
  }
  if (seq % 3 === 0) recorder.recordError('home', 'timeout');
  return { v: PROTOCOL_VERSION, type: 'run.window', sentAt: Date.now(), runId, workerId, seq, second: seq, data: encodeWindowBase64(recorder.take(seq, 1000)) };
}

describe("a live run's GET /runs/:id: its running totals, equal to a re-merge of its stored windows (real PostgreSQL)", () => {
  let db: TestDatabase;
  let master: Master;
  let restarted: Master | undefined;
  let planId: string;

  const get = async (m: Master, id: string) => (await m.app.inject({ method: 'GET', url: `/api/v1/runs/${id}` })).json<RunResource>();
  /** What the whole re-merge of the stored windows gives: the answer before running totals. */
  const reMerged = async (id: string) => summarizeMerged(await new RunRepository(db.prisma).mergeStored(id));

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({ prisma: db.prisma, transport: new RecordingTransport(), logger: silent, timings: { runStartLeadMs: 0 } });
    planId = (
      await new PlanRepository(db.prisma).create(
        PlanSchema.parse({
          name: 'p',
          baseUrl: 'http://127.0.0.1:1',
          steps: [
            { name: 'login', method: 'POST', url: '/' },
            { name: 'home', method: 'GET', url: '/' },
          ],
        }),
      )
    ).id;
  }, 60_000);

  afterAll(async () => {
    await restarted?.app.close();
    await master.app.close();
    await db.drop();
  }, 60_000);

  it('answers the same summary as the re-merge, exactly, as windows arrive out of order, twice, and late; after a restart too', async () => {
    for (const workerId of WORKERS)
      await master.orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: 'idle', runId: null });
    const started = await master.app.inject({ method: 'POST', url: `/api/v1/plans/${planId}/runs`, payload: { connections: 3, durationSeconds: 30 } });
    expect(started.statusCode).toBe(201);
    const id = started.json<RunResource>().id;
    expect((await get(master, id)).summary).toBeNull();

    // Seconds 0..9 from every worker, shuffled, some sent twice (a redelivery), seconds 4 and 5 of w3 held back.
    const messages = WORKERS.flatMap((w) => Array.from({ length: 10 }, (_, seq) => ({ w, seq }))).filter(
      ({ w, seq }) => !(w === 'w3' && (seq === 4 || seq === 5)),
    );
    messages.sort((a, b) => ((a.seq * 37 + a.w.charCodeAt(1) * 11) % 17) - ((b.seq * 37 + b.w.charCodeAt(1) * 11) % 17));
    for (const [i, { w, seq }] of messages.entries()) {
      await master.orchestrator.handle(window(id, w, seq));
      if (i % 5 === 0) await master.orchestrator.handle(window(id, w, seq));
      if (i % 9 === 0) expect((await get(master, id)).summary).toEqual(await reMerged(id));
    }
    const before = await get(master, id);
    expect(before.state).not.toMatch(/finished|stopped|failed/);
    expect(before.summary).toEqual(await reMerged(id));
    expect(before.summary!.requests).toBeGreaterThan(200);

    // The late windows (after their seconds went out live) count too.
    await master.orchestrator.handle(window(id, 'w3', 5));
    await master.orchestrator.handle(window(id, 'w3', 4));
    const after = await get(master, id);
    expect(after.summary).toEqual(await reMerged(id));
    expect(after.summary!.requests).toBeGreaterThan(before.summary!.requests);

    // Another master over the same database (a restart) reads the stored windows once, then answers the same.
    restarted = await buildTestMaster({ prisma: db.prisma, transport: new RecordingTransport(), logger: silent });
    expect((await get(restarted, id)).summary).toEqual(after.summary);
    await restarted.orchestrator.handle(window(id, 'w1', 10));
    expect((await get(restarted, id)).summary).toEqual(await reMerged(id));

    // At its end, the recorded summary is the same merge.
    for (const workerId of WORKERS) {
      await restarted.orchestrator.handle({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId: id,
        workerId,
        state: 'finished',
        windows: workerId === 'w1' ? 11 : 10,
      });
    }
    const ended = await until(
      async () => {
        const run = await get(restarted!, id);
        return run.state === 'finished' ? run : undefined;
      },
      10_000,
      'run finished',
    );
    expect(ended.summary).toEqual(await reMerged(id));
  });

  it('follows a run from its creation to its end, then forgets it', async () => {
    const runs = new RunRepository(db.prisma);
    const totals = new ActiveRunTotals(runs);
    const plan = PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'login', method: 'POST', url: '/' }] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await runs.create({
          planId,
          plan,
          load: {
            scenarios: [{ name: 'default', executor: 'constant-vus', vus: 1, duration: 1, startTime: 0, gracefulStop: 0 }],
            durationSeconds: 1,
            reportEvery: '1s',
          } as never,
          thresholds: [],
          startAt: new Date(),
          workers: [{ workerId: 'w1', index: 0, connections: 1, segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }, clockOffsetMs: 0 }],
        }),
      );
    }
    expect(totals.size).toBe(5);
    for (const id of ids) await runs.transition(id, ['pending', 'running'], 'finished');
    expect(totals.size).toBe(0);
    // A run read after its end is not kept either.
    await totals.mergeStored(ids[0]!);
    expect(totals.size).toBe(0);
  });
});
