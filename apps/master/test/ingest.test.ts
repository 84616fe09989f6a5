import { randomUUID } from 'node:crypto';
import { encodeWindowBase64, summarize, summarizeMerged, WindowRecorder, type Window } from '@loadtest/metrics';
import { assignmentOf, PROTOCOL_VERSION, type MasterToWorker, type RunResource, type WorkerToMaster } from '@loadtest/protocol';
import { AmqpMasterTransport, AmqpWorkerTransport, brokerNames } from '@loadtest/transport';
import amqplib from 'amqplib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const DB_PROPERTY_RUNS = 15;

function randomWindow(second: number, seed: number): Window {
  const recorder = new WindowRecorder();
  for (let i = 0; i < 50 + (seed % 50); i++)
    recorder.recordResponse(i % 3 === 0 ? 'a' : 'b', i % 10 === 0 ? 500 : 200, 100, 20, 500 + ((seed * 7919 + i * 104729) % 200_000));
  if (seed % 4 === 0) recorder.recordError('b', 'timeout');
  return recorder.take(second, 1000);
}

describe('ingest (real RabbitMQ and PostgreSQL)', () => {
  const namespace = `ingest-${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let master: Master;
  let masterTransport: AmqpMasterTransport;
  let worker: AmqpWorkerTransport;
  const sentWindows: Window[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    masterTransport = new AmqpMasterTransport(AMQP_URL, silent, {}, namespace);
    master = await buildTestMaster({ prisma: db.prisma, transport: masterTransport, logger: silent, timings: { runStartLeadMs: 200 } });
    await master.listenToWorkers();
    worker = new AmqpWorkerTransport(AMQP_URL, silent, {}, namespace);
    // A scripted worker that publishes every window twice, as a redelivery after a lost confirm would.
    await worker.listen('dup-worker', async (received: MasterToWorker) => {
      // The run comes as one broadcast; this worker's own entry is its assignment.
      const message = received.type === 'run.assign-all' ? assignmentOf(received, 'dup-worker') : undefined;
      if (!message) return;
      const base = { v: PROTOCOL_VERSION, sentAt: Date.now(), runId: message.runId, workerId: 'dup-worker' } as const;
      await worker.sendToMaster({ ...base, type: 'run.state', state: 'started' });
      for (let second = 0; second < 4; second++) {
        const window = randomWindow(second, second + 1);
        sentWindows.push(window);
        const msg: WorkerToMaster = { ...base, type: 'run.window', seq: second, second, data: encodeWindowBase64(window) };
        await worker.sendToMaster(msg);
        await worker.sendToMaster(msg);
      }
      await worker.sendToMaster({ ...base, type: 'run.state', state: 'finished', windows: 4 });
    });
    await worker.sendToMaster({
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt: Date.now(),
      workerId: 'dup-worker',
      host: 'test',
      version: 't',
      capabilities: { cores: 1, memoryBytes: 1, maxConnections: 10 },
    });
    await until(() => master.registry.available().includes('dup-worker'), 10_000, 'worker registered');
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await worker.close();
    await masterTransport.close();
    const names = brokerNames(namespace);
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(names.workerQueue('dup-worker'));
    await channel.deleteQueue(names.masterQueue);
    await channel.deleteExchange(names.exchange);
    await connection.close();
    await db.drop();
  }, 60_000);

  it('acknowledges and ignores duplicate windows: every window published twice, totals unchanged', async () => {
    const plan = await master.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: {
        name: 'p',
        baseUrl: 'http://127.0.0.1:9',
        requests: [
          { name: 'a', method: 'GET', path: '/' },
          { name: 'b', method: 'GET', path: '/b' },
        ],
      },
    });
    const started = await master.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.json<{ id: string }>().id}/runs`,
      payload: { connections: 1, durationSeconds: 4 },
    });
    expect(started.statusCode).toBe(201);
    const runId = started.json<RunResource>().id;
    const run = await until(
      async () => {
        const r = (await master.app.inject({ method: 'GET', url: `/api/v1/runs/${runId}` })).json<RunResource>();
        return r.state === 'finished' ? r : undefined;
      },
      15_000,
      'run finished',
    );
    const stored = await new RunRepository(db.prisma).windows(runId);
    expect(stored.map((w) => w.seq)).toEqual([0, 1, 2, 3]);
    expect(run.workers[0]!.windows).toBe(4);
    // The totals are those of the windows published once each.
    expect(run.summary).toEqual(summarize(sentWindows));
    expect(run.summary!.requests).toBe(sentWindows.reduce((n, w) => n + [...w.steps.values()].reduce((m, s) => m + s.requests, 0), 0));
  });

  it(`re-reads from the database exactly what was computed live (${DB_PROPERTY_RUNS} runs)`, async () => {
    const repository = new RunRepository(db.prisma);
    const plan = await db.prisma.plan.create({ data: { name: 'prop', definition: {} } });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat({ max: 30 }), fc.nat()), { minLength: 1, maxLength: 30 }), async (specs) => {
        const run = await db.prisma.run.create({ data: { planId: plan.id, state: 'running', load: {}, planSnapshot: {} } });
        const seqs = new Map<number, number>();
        const live: Window[] = [];
        for (const [worker, second, seed] of specs) {
          const window = randomWindow(second, seed);
          const seq = seqs.get(worker) ?? 0;
          seqs.set(worker, seq + 1);
          const data = encodeWindowBase64(window);
          await repository.insertWindows([
            {
              window: { v: PROTOCOL_VERSION, type: 'run.window', sentAt: 0, runId: run.id, workerId: `w${worker}`, seq, second, data },
              bytes: Buffer.from(data, 'base64'),
              measured: window,
            },
          ]);
          live.push(window);
        }
        expect(summarize(await repository.windows(run.id))).toEqual(summarize(live));
        // Read back page by page (small pages, to cross page boundaries), it merges to the same.
        const seen: string[] = [];
        await repository.forEachWindow(run.id, {}, (w) => seen.push(`${w.second}/${w.workerId}/${w.seq}`), { packs: 4, rows: 4 });
        expect(seen).toHaveLength(live.length);
        expect(new Set(seen).size).toBe(live.length);
        const paged = await repository.mergeStored(run.id);
        expect(summarizeMerged(paged)).toEqual(summarize(live));
      }),
      { numRuns: DB_PROPERTY_RUNS },
    );
  });
});
