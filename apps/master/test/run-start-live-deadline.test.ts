import { randomUUID } from 'node:crypto';
import { encodeWindowBase64, WindowRecorder } from '@loadtest/metrics';
import {
  assignmentOf,
  PROTOCOL_VERSION,
  type LiveWindowEvent,
  type MasterToWorker,
  type PlanResource,
  type RunAssign,
  type RunResource,
  type WorkerList,
} from '@loadtest/protocol';
import { AmqpMasterTransport, AmqpWorkerTransport, brokerNames, type WorkerTransport } from '@loadtest/transport';
import amqplib from 'amqplib';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { adminHeaders, buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const WORKERS = ['bcast-1', 'bcast-2', 'bcast-3'];
/** Responses each worker measures in seconds 0 and 1: every sum below tells whose windows it holds. */
const RESPONSES: Record<string, [number, number]> = { 'bcast-1': [3, 11], 'bcast-2': [5, 13], 'bcast-3': [7, 17] };

/** Three workers played over the real broker: they take their share from the one broadcast and send what the test says. */
describe('run start in one broadcast, live seconds on a deadline (real RabbitMQ and PostgreSQL, Socket.IO)', () => {
  const namespace = `test-${randomUUID()}`;
  let db: TestDatabase;
  let master: Master;
  let masterTransport: AmqpMasterTransport;
  let client: Socket;
  const workers = new Map<string, WorkerTransport>();
  const received = new Map<string, MasterToWorker[]>();
  const liveEvents: LiveWindowEvent[] = [];

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: object) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: response.statusCode, body: response.json<T>() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: (masterTransport = new AmqpMasterTransport(AMQP_URL, silent, {}, namespace)),
      logger: silent,
      timings: { runStartLeadMs: 300, liveDeadlineMs: 300, workerMissingAfterMs: 60_000, workerLostAfterMs: 120_000 },
    });
    await master.listenToWorkers();
    await master.app.listen({ host: '127.0.0.1', port: 0 });
    const address = master.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, extraHeaders: adminHeaders });
    client.on('run:window', (event: LiveWindowEvent) => void liveEvents.push(event));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    for (const id of WORKERS) {
      const transport = new AmqpWorkerTransport(AMQP_URL, silent, {}, namespace);
      received.set(id, []);
      await transport.listen(id, async (message) => void received.get(id)!.push(message));
      await transport.sendToMaster({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId: id, activity: 'idle', runId: null });
      workers.set(id, transport);
    }
    await until(
      async () => {
        const list = await inject<WorkerList>('GET', '/api/v1/workers');
        return list.body.items.filter((w) => WORKERS.includes(w.id) && w.state === 'online').length === WORKERS.length || undefined;
      },
      20_000,
      'the three played workers online',
    );
  }, 90_000);

  afterAll(async () => {
    client?.close();
    for (const transport of workers.values()) await transport.close();
    await master?.app.close();
    await masterTransport?.close();
    await db?.drop();
    const names = brokerNames(namespace);
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const id of WORKERS) await channel.deleteQueue(names.workerQueue(id));
    await channel.deleteQueue(names.masterQueue);
    await channel.deleteExchange(names.exchange);
    await connection.close();
  }, 60_000);

  /** What a worker takes from the broadcast: its own entry, with the start instant in its own clock. */
  const assignmentFor = (workerId: string, runId: string): RunAssign | undefined => {
    for (const message of received.get(workerId)!) {
      if (message.type === 'run.assign-all' && message.runId === runId) return assignmentOf(message, workerId);
      if (message.type === 'run.assign' && message.runId === runId) return message;
    }
    return undefined;
  };

  const windowMessage = (runId: string, workerId: string, second: number) => {
    const recorder = new WindowRecorder();
    for (let i = 0; i < RESPONSES[workerId]![second]!; i++) recorder.recordResponse('root', 200, 100, 50, 1000 * (i + 1));
    return {
      v: PROTOCOL_VERSION,
      type: 'run.window' as const,
      sentAt: Date.now(),
      runId,
      workerId,
      seq: second,
      second,
      data: encodeWindowBase64(recorder.take(second, 1000)),
    };
  };

  it('starts every worker at the common instant; a late window revises its second; the timeline is the sum of the windows', async () => {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', {
      name: 'deadline',
      baseUrl: 'http://127.0.0.1:1',
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    expect(plan.status).toBe(201);
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 3, durationSeconds: 2 });
    expect(started.status).toBe(201);
    const run = started.body;
    expect(await client.emitWithAck('run:subscribe', { runId: run.id })).toMatchObject({ ok: true });
    const startAt = Date.parse(run.startAt!);

    // One broadcast reached all three; each entry, taken back to the master's clock, is the run's one start instant.
    const assignments = await until(
      () => {
        const found = WORKERS.map((id) => assignmentFor(id, run.id));
        return found.every((a) => a !== undefined) ? (found as RunAssign[]) : undefined;
      },
      15_000,
      'every worker assigned',
    );
    for (const [i, id] of WORKERS.entries()) {
      const share = run.workers.find((w) => w.workerId === id)!;
      expect(assignments[i]!.startAt - (share.clockOffsetMs ?? 0)).toBe(startAt);
      expect(assignments[i]!.share.connections).toBe(1);
    }

    const send = (id: string, message: Parameters<WorkerTransport['sendToMaster']>[0]) => workers.get(id)!.sendToMaster(message);
    const stateMessage = (id: string, state: 'started' | 'finished') => ({
      v: PROTOCOL_VERSION,
      type: 'run.state' as const,
      sentAt: Date.now(),
      runId: run.id,
      workerId: id,
      state,
      ...(state === 'finished' ? { windows: 2 } : {}),
    });
    for (const id of WORKERS) await send(id, stateMessage(id, 'started'));

    // Second 0: bcast-3's window is held back until the master has sent the second without it, at its deadline.
    await until(() => Date.now() >= startAt + 1000 || undefined, 10_000, 'second 0 over');
    await send('bcast-1', windowMessage(run.id, 'bcast-1', 0));
    await send('bcast-2', windowMessage(run.id, 'bcast-2', 0));
    const partial = await until(() => liveEvents.find((e) => e.runId === run.id && e.second === 0), 15_000, 'second 0 sent at its deadline');
    expect(partial).toMatchObject({ revision: false, missingWorkers: 1, workers: 2, requests: 3 + 5 });
    await send('bcast-3', windowMessage(run.id, 'bcast-3', 0));
    const revised = await until(() => liveEvents.find((e) => e.runId === run.id && e.second === 0 && e.revision), 15_000, 'second 0 revised');
    expect(revised).toMatchObject({ missingWorkers: 0, workers: 3, requests: 3 + 5 + 7 });

    // Second 1: all on time, sent once, complete.
    for (const id of WORKERS) await send(id, windowMessage(run.id, id, 1));
    const second1 = await until(() => liveEvents.find((e) => e.runId === run.id && e.second === 1), 15_000, 'second 1 sent');
    expect(second1).toMatchObject({ revision: false, missingWorkers: 0, requests: 11 + 13 + 17 });
    for (const id of WORKERS) await send(id, stateMessage(id, 'finished'));

    const ended = await until(
      async () => {
        const now = await inject<RunResource>('GET', `/api/v1/runs/${run.id}`);
        return now.body.state === 'finished' ? now.body : undefined;
      },
      20_000,
      'run finished',
    );
    expect(ended.summary!.requests).toBe(3 + 5 + 7 + 11 + 13 + 17);
    const timeline = await inject<{ points: { second: number; requests: number; workers: number }[] }>('GET', `/api/v1/runs/${run.id}/timeline`);
    expect(timeline.body.points.map((p) => [p.second, p.requests, p.workers])).toEqual([
      [0, 3 + 5 + 7, 3],
      [1, 11 + 13 + 17, 3],
    ]);
    // What the live stream last said of each second is what is stored.
    const last = (second: number) => liveEvents.filter((e) => e.runId === run.id && e.second === second).at(-1)!;
    expect([last(0).requests, last(1).requests]).toEqual([timeline.body.points[0]!.requests, timeline.body.points[1]!.requests]);
  }, 90_000);
});
