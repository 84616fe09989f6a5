import { afterAll, beforeAll, expect } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { freePort } from '@loadtest/process';
import type { PlanResource, RunResource, WorkerList, WorkerShareState } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { api, createDatabase, sleep, startTs, storedWindows, until, type LogRecord, type RunningProcess, type StoredWindowRow } from '../harness.js';
import { startBrokerNode, type BrokerNode } from './broker-node.js';

/**
 * What the fault tests share: the platform's processes started against a
 * private broker and a fresh database, and the readings a test compares after
 * a fault (stored windows per worker, what each worker reported, the load the
 * target saw per second).
 */

export interface Broker {
  url: string;
  namespace: string;
}

/** Starts a master process and resolves once it serves its API; `env` overrides its settings (e.g. WORKER_LOST_AFTER_MS). */
export async function startMaster(
  name: string,
  broker: Broker,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ master: RunningProcess; base: string }> {
  const port = await freePort();
  const master = startTs(name, 'apps/master/src/main.ts', {
    AMQP_URL: broker.url,
    AMQP_NAMESPACE: broker.namespace,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ...env,
  });
  try {
    await master.waitForLog((r) => r.msg === 'master ready', 60_000);
  } catch (error) {
    await master.stop('SIGKILL');
    throw error;
  }
  return { master, base: `http://127.0.0.1:${port}` };
}

/** Starts a worker process on one engine thread, so that the arrivals at the target are paced by one event loop per worker; `env` adds settings (e.g. WORKER_MASTER_GRACE_MS). */
export function startWorker(id: string, broker: Broker, env: Record<string, string> = {}): RunningProcess {
  return startTs(id, 'apps/worker/src/main.ts', { AMQP_URL: broker.url, AMQP_NAMESPACE: broker.namespace, WORKER_ID: id, WORKER_THREADS: '1', ...env });
}

/** Waits until the master lists each of `ids` idle (`online`) with its capabilities, i.e. free to be given a share. */
export async function workersOnline(base: string, ids: string[], timeoutMs = 30_000, options: { only?: boolean } = {}): Promise<void> {
  let last: WorkerList | undefined;
  await until(
    async () => {
      last = (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body;
      const ready = ids.every((id) => last!.items.some((w) => w.id === id && w.state === 'online' && w.capabilities && w.lastHeartbeatAt));
      // `only`: a worker of an earlier test that has not yet been seen to leave would be given a share of the next run.
      const others = options.only ? last.items.filter((w) => !ids.includes(w.id) && (w.state === 'online' || w.state === 'busy')) : [];
      return ready && others.length === 0;
    },
    timeoutMs,
    `workers ${ids.join(', ')} online${options.only ? ' and no other' : ''}`,
    async () => last,
  );
}

/** A plan of one GET / on the target. */
export async function createPlan(base: string, targetUrl: string, name: string): Promise<string> {
  const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', { name, baseUrl: targetUrl, steps: [{ name: 'root', method: 'GET', url: '/' }] });
  if (plan.status !== 201) throw new Error(`cannot create the plan: ${plan.status} ${JSON.stringify(plan.body)}`);
  return plan.body.id;
}

/** Polls the run until it has ended, whatever the end (the test then asserts which). */
export async function runEnded(base: string, runId: string, timeoutMs: number): Promise<RunResource> {
  let last: RunResource | undefined;
  return until(
    async () => {
      last = (await api<RunResource>(base, 'GET', `/api/v1/runs/${runId}`)).body;
      return last.state !== 'pending' && last.state !== 'running' ? last : undefined;
    },
    timeoutMs,
    'run ended',
    async () => last,
  );
}

/** The epoch ms of a process's first log record matching `predicate` (pino's `time`), waiting for it. */
export async function logTime(process: RunningProcess, predicate: (record: LogRecord) => boolean, timeoutMs = 30_000): Promise<number> {
  const record = await process.waitForLog(predicate, timeoutMs);
  return Number(record.time);
}

/** One worker's share of a run as the database holds it: `windowsReported` is what the worker said it published when it ended (not in the REST resource). */
export interface StoredShare {
  workerId: string;
  state: WorkerShareState;
  windowsReported: number | null;
  reason: string | null;
}

export async function storedShares(databaseUrl: string, runId: string): Promise<StoredShare[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ worker_id: string; state: WorkerShareState; windows_reported: number | null; reason: string | null }>(
      'SELECT worker_id, state, windows_reported, reason FROM run_workers WHERE run_id = $1 ORDER BY share_index, worker_id',
      [runId],
    );
    return rows.map((r) => ({ workerId: r.worker_id, state: r.state, windowsReported: r.windows_reported, reason: r.reason }));
  } finally {
    await client.end();
  }
}

/** A worker's stored windows, in seq order. */
export interface WorkerWindows {
  seqs: number[];
  seconds: number[];
  requests: number;
}

export function windowsByWorker(rows: readonly StoredWindowRow[]): Map<string, WorkerWindows> {
  const byWorker = new Map<string, WorkerWindows>();
  for (const row of [...rows].sort((a, b) => a.workerId.localeCompare(b.workerId) || a.seq - b.seq)) {
    let entry = byWorker.get(row.workerId);
    if (!entry) byWorker.set(row.workerId, (entry = { seqs: [], seconds: [], requests: 0 }));
    entry.seqs.push(row.seq);
    entry.seconds.push(row.second);
    for (const step of row.steps.values()) entry.requests += step.requests;
  }
  return byWorker;
}

/** `[from, from + 1, …]`, `count` long: the seqs (from 0) or seconds a worker should have stored. */
export function range(from: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => from + i);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Arrivals at the target in one whole epoch second; `at` is its start in ms after `originMs` (the run's start). */
export interface SecondArrivals {
  at: number;
  arrivals: number;
}

/**
 * The target's arrivals in every whole epoch second inside [fromMs, toMs).
 * A second without any request is not in the target's log: it is filled in
 * with 0 here, so that a load that stopped shows as 0s, not as no sample.
 */
export function arrivalsWithin(target: TargetServer, fromMs: number, toMs: number, originMs: number): SecondArrivals[] {
  const seen = new Map(target.arrivals().map((s) => [s.second, s.arrivals]));
  const seconds: SecondArrivals[] = [];
  for (let second = Math.ceil(fromMs / 1000); (second + 1) * 1000 <= toMs; second += 1) {
    seconds.push({ at: second * 1000 - originMs, arrivals: seen.get(second) ?? 0 });
  }
  return seconds;
}

/** `name: a, b, c (median m)`, for the figures printed by the tests. */
export function describeArrivals(name: string, seconds: readonly SecondArrivals[]): string {
  return `${name}: ${seconds.map((s) => s.arrivals).join(', ') || '(no whole second)'} (median ${median(seconds.map((s) => s.arrivals))})`;
}

/**
 * Undo steps run last-first, each even when an earlier one failed, so that a
 * failing test still stops its processes and the private broker; the first
 * error is thrown at the end.
 */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** What every fault test starts from: a private broker node with a namespace on it, a fresh database and a mock target. */
export interface FaultBench {
  broker: BrokerNode;
  amqp: Broker;
  databaseUrl: string;
  target: TargetServer;
}

/** Starts a fault test's bench, each part undone by `cleanup`; `name` tells its broker node and namespace apart. */
export async function startFaultBench(name: string, cleanup: Cleanup): Promise<FaultBench> {
  const broker = await startBrokerNode(`lt-fault-${name}`);
  cleanup.add(() => broker.shutdown());
  const db = await createDatabase();
  cleanup.add(() => db.drop());
  const target = await startTarget();
  cleanup.add(() => target.close());
  return { broker, amqp: { url: broker.url, namespace: `fault-${name}-${randomUUID().slice(0, 8)}` }, databaseUrl: db.url, target };
}

/** `windows expected vs stored: w1 finished reported 20 stored 20; …`, for the figures printed by the tests. */
export function describeWindows(shares: readonly StoredShare[], byWorker: ReadonlyMap<string, WorkerWindows>, expected?: number): string {
  const each = shares.map(
    (s) =>
      `${s.workerId} ${s.state} reported ${s.windowsReported ?? '-'} stored ${byWorker.get(s.workerId)?.seqs.length ?? 0}${expected === undefined ? '' : ` (expected ${expected})`}`,
  );
  return `windows expected vs stored: ${each.join('; ')}`;
}

/** A run at a constant arrival rate, as the fault tests start them. */
export interface RateRun {
  rate: number;
  duration: number;
  maxVUs: number;
  onWorkerLoss?: 'rebalance';
}

/** A run started by {@link FaultSuite.startRun}: its id, its workers, and its planned start and end (epoch ms). */
export interface StartedRun {
  runId: string;
  workerIds: string[];
  startMs: number;
  endMs: number;
}

/** What a fault test compares once its run has ended. */
export interface RunReadings {
  /** What the target served, and the requests the run reported. */
  served: number;
  reported: number;
  stored: StoredWindowRow[];
  byWorker: Map<string, WorkerWindows>;
  shares: StoredShare[];
}

/**
 * A fault test's bench and processes: {@link faultSuite} starts the bench before the tests and undoes
 * everything after them (processes, database, private broker node), whatever their outcome.
 */
export class FaultSuite {
  readonly cleanup = new Cleanup();
  broker!: BrokerNode;
  amqp!: Broker;
  databaseUrl!: string;
  target!: TargetServer;
  /** The master started last, and its API's base URL. */
  master!: RunningProcess;
  base!: string;
  /** The plan created by {@link createPlan}. */
  planId!: string;
  /** The workers started by {@link launchWorker}, by id. */
  readonly workers = new Map<string, RunningProcess>();

  constructor(readonly name: string) {}

  async startBench(): Promise<void> {
    ({ broker: this.broker, amqp: this.amqp, databaseUrl: this.databaseUrl, target: this.target } = await startFaultBench(this.name, this.cleanup));
  }

  /** Starts a master process, stopped with the suite, and makes it the suite's `master` and `base`. */
  async launchMaster(processName: string, env: Record<string, string> = {}): Promise<{ master: RunningProcess; base: string }> {
    const started = await startMaster(processName, this.amqp, this.databaseUrl, env);
    this.cleanup.add(() => started.master.stop());
    ({ master: this.master, base: this.base } = started);
    return started;
  }

  /** Starts a worker process (see {@link startWorker}), stopped with the suite. */
  launchWorker(id: string, env: Record<string, string> = {}): RunningProcess {
    const worker = startWorker(id, this.amqp, env);
    this.workers.set(id, worker);
    this.cleanup.add(() => worker.stop());
    return worker;
  }

  /** Creates the plan of one GET / on the target (the suite's `planId`) on the master at `base`. */
  async createPlan(planName: string, base = this.base): Promise<string> {
    this.planId = await createPlan(base, this.target.url, planName);
    return this.planId;
  }

  /** Starts a run of the suite's plan at a constant arrival rate, the target's counts reset first, and asserts it was accepted. */
  async startRun({ rate, duration, maxVUs, onWorkerLoss }: RateRun, base = this.base): Promise<StartedRun> {
    this.target.resetStats();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${this.planId}/runs`, {
      scenarios: [{ name: 'rate', executor: 'constant-arrival-rate', rate, duration, maxVUs }],
      ...(onWorkerLoss ? { onWorkerLoss } : {}),
    });
    withMessage(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    const startMs = Date.parse(started.body.startAt!);
    return { runId: started.body.id, workerIds: started.body.workers.map((w) => w.workerId), startMs, endMs: startMs + duration * 1000 };
  }

  /** Once the run has ended: the target's count (after the last responses were written and counted), the run's, and what is stored. */
  async readings(run: RunResource): Promise<RunReadings> {
    await sleep(300);
    const served = this.target.stats().served;
    const stored = await storedWindows(this.databaseUrl, run.id);
    return { served, reported: run.summary?.requests ?? 0, stored, byWorker: windowsByWorker(stored), shares: await storedShares(this.databaseUrl, run.id) };
  }
}

/**
 * Declares a fault test's suite: before its tests, the bench (a private broker node, a fresh database, a
 * mock target) and whatever `setUp` starts on it (a master, workers, a plan); after them, all of it undone.
 * `name` tells its broker node and namespace apart.
 */
export function faultSuite(name: string, setUp: (suite: FaultSuite) => Promise<void> = async () => undefined): FaultSuite {
  const suite = new FaultSuite(name);
  beforeAll(async () => {
    await suite.startBench();
    await setUp(suite);
  }, 120_000);
  afterAll(() => suite.cleanup.run(), 60_000);
  return suite;
}
