import { decodeWindowBase64 } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunAssign, type RunStateMessage, type RunWindow, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub, PortWorkerTransport, type WorkerTransport } from '@loadtest/transport';
import pino from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { workerIdentity } from '../src/identity.js';
import type { WorkerTolerance } from '../src/tolerance.js';
import { WorkerAgent } from '../src/worker-agent.js';

const logger = pino({ level: 'silent' });
const RUN = '44444444-4444-4444-8444-444444444444';

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A transport whose window sends can be held back unconfirmed, as while the broker is away. */
class HoldingTransport implements WorkerTransport {
  private held: (() => void)[] = [];
  holding = false;
  constructor(private readonly inner: WorkerTransport) {}
  listen(...args: Parameters<WorkerTransport['listen']>) {
    return this.inner.listen(...args);
  }
  async sendToMaster(message: WorkerToMaster): Promise<void> {
    if (this.holding && message.type === 'run.window') await new Promise<void>((resolve) => this.held.push(resolve));
    return this.inner.sendToMaster(message);
  }
  release(): void {
    this.holding = false;
    for (const resume of this.held.splice(0)) resume();
  }
  close() {
    return this.inner.close();
  }
}

describe('WorkerAgent riding out faults', () => {
  let target: TargetServer;
  let hub: InProcessHub;
  let agent: WorkerAgent | undefined;
  let transport: HoldingTransport;
  let received: WorkerToMaster[];

  const assign = (durationSeconds: number, vus = 2): RunAssign => ({
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: RUN,
    workerId: 'tolerant',
    plan: PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'r', method: 'GET', url: '/' }] }),
    durationSeconds,
    scenarios: [{ name: 'default', executor: 'constant-vus', vus, duration: durationSeconds, startTime: 0 }],
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: vus },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + 100,
  });
  const states = () => received.filter((m): m is RunStateMessage => m.type === 'run.state');
  const windows = () => received.filter((m): m is RunWindow => m.type === 'run.window');
  const requestsIn = (list: RunWindow[]) =>
    list.map((w) => decodeWindowBase64(w.data)).reduce((sum, w) => sum + [...w.steps.values()].reduce((s, step) => s + step.requests, 0), 0);
  const ended = () => states().find((s) => s.state !== 'started');

  async function startAgent(tolerance: Partial<WorkerTolerance> = {}): Promise<WorkerAgent> {
    received = [];
    hub = new InProcessHub(logger);
    await hub.listen(async (m) => void received.push(m));
    const events = {} as { onConnected?: () => void };
    transport = new HoldingTransport(new PortWorkerTransport(hub.connectWorker(), logger, events));
    agent = new WorkerAgent({ ...workerIdentity({}), workerId: 'tolerant' }, transport, logger, { tolerance });
    events.onConnected = () => agent!.sayHello();
    await agent.start();
    target.resetStats();
    return agent;
  }

  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterEach(async () => {
    transport?.release();
    await agent?.stop();
    agent = undefined;
    await hub?.close();
  }, 10_000);
  afterAll(async () => {
    await target.close();
  }, 10_000);

  it('on shutdown mid-share, publishes its partial window and reports `left` with every window counted', async () => {
    const worker = await startAgent();
    await hub.sendToWorker(assign(5));
    await until(() => windows().length >= 1, 4000, 'first window');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await worker.stop('the worker shut down (SIGTERM)');
    agent = undefined;
    const end = ended();
    expect(end).toMatchObject({ state: 'left', reason: 'the worker shut down (SIGTERM)', windows: 2 });
    expect(windows().map((w) => w.seq)).toEqual([0, 1]);
    // The partial second is published with its true length, not dropped.
    const partial = decodeWindowBase64(windows()[1]!.data);
    expect(partial.durationMs).toBeGreaterThan(100);
    expect(partial.durationMs).toBeLessThan(1000);
    const served = target.stats().served;
    expect(served - requestsIn(windows())).toBeGreaterThanOrEqual(0);
    expect(served - requestsIn(windows())).toBeLessThanOrEqual(2);
  }, 15_000);

  it('stops its share as `interrupted` when the master is silent past the grace period, keeping what it measured', async () => {
    await startAgent({ masterGraceMs: 1500 });
    const assignedAt = Date.now();
    await hub.sendToWorker(assign(10));
    await until(() => ended() !== undefined, 6000, 'share ended');
    const end = ended()!;
    expect(end.state).toBe('interrupted');
    expect(end.reason).toMatch(/no word from the master for \d+ s \(grace 1500 ms\)/);
    // Stopped soon after the grace, not at the planned end 10 s in.
    expect(Date.now() - assignedAt).toBeLessThan(4000);
    expect(windows().map((w) => w.seq)).toEqual([...Array(end.windows).keys()]);
    expect(end.windows).toBeGreaterThanOrEqual(2);
    expect(target.stats().served - requestsIn(windows())).toBeLessThanOrEqual(2);
  }, 15_000);

  it('runs its share to the end while the master heartbeats, and says hello again to a new master instance', async () => {
    await startAgent({ masterGraceMs: 1500 });
    const hellos = () => received.filter((m) => m.type === 'worker.hello').length;
    await until(() => hellos() === 1, 2000, 'first hello');
    const beat = (masterId: string) => hub.broadcast({ v: PROTOCOL_VERSION, type: 'master.heartbeat', sentAt: Date.now(), masterId });
    const first = '55555555-5555-4555-8555-555555555555';
    const restarted = '66666666-6666-4666-8666-666666666666';
    await hub.sendToWorker(assign(3));
    for (let i = 0; i < 8; i++) {
      await beat(first);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await until(() => ended() !== undefined, 3000, 'share ended');
    expect(ended()).toMatchObject({ state: 'finished', windows: 3 });
    // The first master heard: one hello more (it may not have had the one sent on start); the same master: none.
    expect(hellos()).toBe(2);
    await beat(restarted);
    await until(() => hellos() === 3, 2000, 'hello to the restarted master');
  }, 15_000);

  it('past its window buffer bound, stops generating and ends `failed`, then delivers every buffered window', async () => {
    await startAgent({ maxBufferedWindows: 3 });
    transport.holding = true;
    await hub.sendToWorker(assign(10));
    // Windows 0, 1, 2 are held unconfirmed: at the third, the share stops generating.
    await until(() => target.stats().served > 0, 3000, 'load');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const servedWhileHeld = target.stats().served;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(target.stats().served).toBe(servedWhileHeld);
    expect(windows()).toEqual([]);
    transport.release();
    await until(() => ended() !== undefined, 3000, 'share ended');
    const end = ended()!;
    expect(end.state).toBe('failed');
    expect(end.reason).toContain('WORKER_WINDOW_BUFFER 3');
    expect(windows().map((w) => w.seq)).toEqual([...Array(end.windows).keys()]);
    expect(end.windows).toBeGreaterThanOrEqual(3);
    expect(servedWhileHeld - requestsIn(windows())).toBeLessThanOrEqual(2);
  }, 15_000);
});
