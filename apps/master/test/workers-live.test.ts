import type { ErrorBody, LiveWorkerStateEvent, PlanResource, RunResource, WorkerList } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { adminHeaders, buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

// Workers heartbeat every second: missing after 1.5 s keeps a live one online between two heartbeats.
const MISSING_AFTER_MS = 1500;
const LOST_AFTER_MS = 3000;

/** Local worker threads read WORKER_MAX_CONNECTIONS from the environment they are started with. */
function startWorkerWithCapacity(hub: InProcessHub, index: number, maxConnections: number): LocalWorkers {
  const before = process.env.WORKER_MAX_CONNECTIONS;
  process.env.WORKER_MAX_CONNECTIONS = String(maxConnections);
  try {
    return startLocalWorkers(hub, 1, silent, { firstIndex: index });
  } finally {
    if (before === undefined) delete process.env.WORKER_MAX_CONNECTIONS;
    else process.env.WORKER_MAX_CONNECTIONS = before;
  }
}

describe('workers: capacity, missing and lost (real PostgreSQL, worker threads, Socket.IO)', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let client: Socket;
  const events: LiveWorkerStateEvent[] = [];
  const threads: LocalWorkers[] = [];

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: object) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: response.statusCode, body: response.json<T>() };
  };
  const eventFor = (workerId: string, state: LiveWorkerStateEvent['state'], after = 0) =>
    until(() => events.slice(after).find((e) => e.workerId === workerId && e.state === state), 15_000, `${workerId} ${state} on the live stream`);

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: hub,
      logger: silent,
      timings: { runStartLeadMs: 300, workerMissingAfterMs: MISSING_AFTER_MS, workerLostAfterMs: LOST_AFTER_MS, workerSweepMs: 100 },
    });
    await master.listenToWorkers();
    await master.app.listen({ host: '127.0.0.1', port: 0 });
    const address = master.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, extraHeaders: adminHeaders });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    client.on('worker:state', (event: LiveWorkerStateEvent) => events.push(event));
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await master?.app.close();
    await Promise.all(threads.map((t) => t.stop()));
    await hub?.close();
    await target?.close();
    await db?.drop();
  }, 60_000);

  it('lists the workers with their declared capacities, and streams them coming online', async () => {
    threads.push(startWorkerWithCapacity(hub, 1, 3000), startWorkerWithCapacity(hub, 2, 1000));
    await until(() => master.registry.available().length === 2, 15_000, '2 workers online');
    const listed = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(listed.body.items.map((w) => [w.id, w.state, w.capabilities?.maxConnections])).toEqual([
      ['local-1', 'online', 3000],
      ['local-2', 'online', 1000],
    ]);
    expect(listed.body.items.every((w) => typeof w.lastSeenAt === 'string')).toBe(true);
    const online = await eventFor('local-2', 'online');
    expect(online).toMatchObject({ workerId: 'local-2', state: 'online', previousState: null });
    await eventFor('local-1', 'online');
  });

  it('refuses a run the workers cannot hold (409 naming need and capacity), and weighs a run that fits by capacity', async () => {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', {
      name: 'cap',
      baseUrl: target.url,
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    const refused = await inject<ErrorBody>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 5000, durationSeconds: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('this run needs up to 5000 connections at once; the 2 available workers hold 4000 (local-1 3000, local-2 1000)');

    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 8, durationSeconds: 1 });
    expect(started.status).toBe(201);
    expect(started.body.workers.map((w) => [w.workerId, w.connections])).toEqual([
      ['local-1', 6],
      ['local-2', 2],
    ]);
    expect(started.body.workers.map((w) => w.segment)).toEqual([
      { from: { num: 0, den: 4 }, to: { num: 3, den: 4 } },
      { from: { num: 3, den: 4 }, to: { num: 4, den: 4 } },
    ]);
    const ended = await until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      15_000,
      'run finished',
    );
    expect(ended.summary!.requests).toBeGreaterThan(0);
    await until(() => master.registry.available().length === 2, 5000, 'both workers idle again');
  });

  it('marks a worker that stops heartbeating missing, then lost, keeps it listed, and takes it back when it returns', async () => {
    const mark = events.length;
    await threads[1]!.stop();
    const missing = await eventFor('local-2', 'missing', mark);
    expect(missing.previousState).toBe('online');
    const lost = await eventFor('local-2', 'lost', mark);
    expect(lost).toMatchObject({ previousState: 'missing', lastSeenAt: missing.lastSeenAt });
    expect(Date.parse(lost.at) - Date.parse(lost.lastSeenAt)).toBeGreaterThan(LOST_AFTER_MS);
    expect(Date.parse(missing.at) - Date.parse(missing.lastSeenAt)).toBeGreaterThan(MISSING_AFTER_MS);
    expect(Date.parse(missing.at) - Date.parse(missing.lastSeenAt)).toBeLessThan(LOST_AFTER_MS);

    const listed = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(listed.body.items.map((w) => [w.id, w.state])).toEqual([
      ['local-1', 'online'],
      ['local-2', 'lost'],
    ]);
    expect(listed.body.items[1]!.lastSeenAt).toBe(lost.lastSeenAt);
    // The worker still heartbeating never went missing.
    expect(events.filter((e) => e.workerId === 'local-1').map((e) => e.state)).not.toContain('missing');
    expect(master.registry.available()).toEqual(['local-1']);

    // The same id comes back: the same entry, online again, not counted twice.
    const back = events.length;
    threads[1] = startWorkerWithCapacity(hub, 2, 1000);
    const online = await eventFor('local-2', 'online', back);
    expect(online.previousState).toBe('lost');
    const again = await inject<WorkerList>('GET', '/api/v1/workers');
    expect(again.body.items.map((w) => [w.id, w.state])).toEqual([
      ['local-1', 'online'],
      ['local-2', 'online'],
    ]);
  });
});
