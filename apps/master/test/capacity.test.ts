import { PROTOCOL_VERSION, type StartRunBody, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { httpStatusOf } from '../src/http/domain-errors.js';
import { InsufficientCapacity } from '../src/runs/run-errors.js';
import { PlanRepository } from '../src/plans/plan-repository.js';
import { RunOrchestrator } from '../src/runs/orchestrator.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { WorkerRegistry } from '../src/workers/registry.js';
import { testOrchestrator } from './test-orchestrator.js';
import { createTestDatabase, RecordingTransport, type TestDatabase } from './support.js';

const hello = (workerId: string, maxConnections: number): WorkerToMaster => ({
  v: PROTOCOL_VERSION,
  type: 'worker.hello',
  sentAt: Date.now(),
  workerId,
  host: `host-${workerId}`,
  version: '1',
  capabilities: { cores: 2, memoryBytes: 1024, maxConnections },
});
const heartbeat = (workerId: string): WorkerToMaster => ({
  v: PROTOCOL_VERSION,
  type: 'worker.heartbeat',
  sentAt: Date.now(),
  workerId,
  activity: 'idle',
  runId: null,
});
const constant = (connections: number): StartRunBody => ({ connections, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
const vus = (name: string, count: number) => ({ name, executor: 'constant-vus' as const, vus: count, duration: 1, startTime: 0 });

describe('worker selection by capacity (real PostgreSQL, scripted workers)', () => {
  let db: TestDatabase;
  let runs: RunRepository;
  let plans: PlanRepository;
  let planId: string;
  let orchestrator: RunOrchestrator | undefined;
  let transport: RecordingTransport;

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.prisma);
    plans = new PlanRepository(db.prisma);
    planId = (await plans.create(PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }))).id;
  }, 60_000);

  afterEach(() => orchestrator?.close(), 60_000);
  afterAll(async () => db.drop(), 60_000);

  /** A fresh master side with these workers: a number is a hello with that capacity, null a worker only heard through heartbeats. */
  const withWorkers = async (workers: Record<string, number | null>) => {
    const registry = new WorkerRegistry({ missingAfterMs: 60_000, lostAfterMs: 120_000 });
    transport = new RecordingTransport();
    orchestrator = testOrchestrator(db, runs, { plans, registry, transport });
    for (const [id, capacity] of Object.entries(workers)) await orchestrator.handle(capacity === null ? heartbeat(id) : hello(id, capacity));
    return orchestrator;
  };
  const refusal = async (start: Promise<unknown>) => {
    const error = await start.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InsufficientCapacity);
    // The API answers it with a 409.
    expect(httpStatusOf(error)?.statusCode).toBe(409);
    return (error as InsufficientCapacity).message;
  };

  it('refuses a run whose peak connections exceed what the available workers hold, naming the need and the capacity', async () => {
    const o = await withWorkers({ 'worker-1': 5000, 'worker-2': 5000 });
    expect(await refusal(o.startRun(planId, constant(12_000)))).toBe(
      'this run needs up to 12000 connections at once; the 2 available workers hold 10000 (worker-1 5000, worker-2 5000)',
    );
    // The peak is the sum over the scenarios, whether or not they overlap.
    expect(
      await refusal(o.startRun(planId, { scenarios: [vus('a', 6000), vus('b', 4001)], timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' })),
    ).toMatch(/^this run needs up to 10001 connections at once; the 2 available workers hold 10000/);
    expect(transport.sent).toEqual([]);
    // Exactly the capacity is fine.
    const run = await o.startRun(planId, constant(10_000));
    expect(run.workers.map((w) => w.connections)).toEqual([5000, 5000]);
  });

  it('splits by capacity: 3000 and 1000 take 75 and 25 of 100, with segments [0, 3/4) and [3/4, 1)', async () => {
    const o = await withWorkers({ big: 3000, small: 1000 });
    const run = await o.startRun(planId, constant(100));
    expect(run.workers.map((w) => [w.workerId, w.connections])).toEqual([
      ['big', 75],
      ['small', 25],
    ]);
    expect(run.workers.map((w) => w.segment)).toEqual([
      { from: { num: 0, den: 4 }, to: { num: 3, den: 4 } },
      { from: { num: 3, den: 4 }, to: { num: 4, den: 4 } },
    ]);
    const assigns = transport.sent.filter((m) => m.type === 'run.assign');
    expect(assigns.map((m) => (m.type === 'run.assign' ? [m.workerId, m.share.connections, m.share.count] : null))).toEqual([
      ['big', 75, 2],
      ['small', 25, 2],
    ]);
  });

  it('keeps 34/33/33 over three equal capacities', async () => {
    const o = await withWorkers({ w1: 5000, w2: 5000, w3: 5000 });
    const run = await o.startRun(planId, constant(100));
    expect(run.workers.map((w) => w.connections)).toEqual([34, 33, 33]);
    expect(run.workers[0]!.segment).toEqual({ from: { num: 0, den: 3 }, to: { num: 1, den: 3 } });
  });

  it('leaves out the smallest workers while one would get no connection of some scenario', async () => {
    // 5 over 9000/1000: the small one's share would be 0, so the big one runs them all.
    let o = await withWorkers({ big: 9000, small: 1000 });
    let run = await o.startRun(planId, constant(5));
    expect(run.workers.map((w) => [w.workerId, w.connections])).toEqual([['big', 5]]);
    // One scenario of 2 VUs: at most two workers, the two largest (a tie is left out last by id).
    o = await withWorkers({ a: 1000, b: 4000, c: 4000, d: 1000 });
    run = await o.startRun(planId, { scenarios: [vus('many', 800), vus('few', 2)], timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    expect(run.workers.map((w) => [w.workerId, w.connections])).toEqual([
      ['b', 401],
      ['c', 401],
    ]);
    // Three scenarios, each worker gets at least one of each: 3 over 6000/3000/1000 gives the 1000 none.
    o = await withWorkers({ x: 6000, y: 3000, z: 1000 });
    run = await o.startRun(planId, { scenarios: [vus('s1', 3), vus('s2', 3), vus('s3', 100)], timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    expect(run.workers.map((w) => w.workerId)).toEqual(['x', 'y']);
    expect(run.workers.map((w) => w.connections)).toEqual([2 + 2 + 67, 1 + 1 + 33]);
  });

  it('refuses a run that only fits if spread over workers its smallest scenario cannot reach', async () => {
    const o = await withWorkers({ a: 6000, b: 6000 });
    const message = await refusal(
      o.startRun(planId, { scenarios: [vus('one', 1), vus('bulk', 11_000)], timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' }),
    );
    expect(message).toBe(
      'this run needs up to 11001 connections at once; the 1 usable worker holds 6000 (a 6000), as every worker of a run must get at least one connection of every scenario (the smallest has 1); the 2 available workers hold 12000 (a 6000, b 6000)',
    );
  });

  it('weighs a worker that has not said hello as the smallest known, and does not refuse on an unknown capacity', async () => {
    let o = await withWorkers({ known: 3000, silent: null, other: 1000 });
    let run = await o.startRun(planId, constant(50));
    expect(run.workers.map((w) => [w.workerId, w.connections])).toEqual([
      ['known', 30],
      ['other', 10],
      ['silent', 10],
    ]);
    o = await withWorkers({ h1: null, h2: null });
    run = await o.startRun(planId, constant(50_000));
    expect(run.workers.map((w) => w.connections)).toEqual([25_000, 25_000]);
  });
});
