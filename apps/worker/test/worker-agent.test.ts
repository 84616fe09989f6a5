import { PROTOCOL_VERSION, type RunAssign, type RunAssignAll, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub, PortWorkerTransport } from '@loadtest/transport';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { workerIdentity } from '../src/identity.js';
import { WorkerAgent } from '../src/worker-agent.js';

const logger = pino({ level: 'silent' });

async function until(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WorkerAgent over the in-process transport', () => {
  let target: TargetServer;
  let hub: InProcessHub;
  let agent: WorkerAgent;
  const received: WorkerToMaster[] = [];

  const assign = (runId: string, durationSeconds: number): RunAssign => ({
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId,
    workerId: 'agent-1',
    plan: PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'r', method: 'GET', url: '/' }] }),
    durationSeconds,
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: 2, duration: durationSeconds, startTime: 0 }],
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: 2 },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + 100,
  });

  beforeAll(async () => {
    target = await startTarget();
    hub = new InProcessHub(logger);
    await hub.listen(async (m) => void received.push(m));
    const events = {} as { onConnected?: () => void };
    const transport = new PortWorkerTransport(hub.connectWorker(), logger, events);
    agent = new WorkerAgent({ ...workerIdentity({ WORKER_MAX_CONNECTIONS: '500' }), workerId: 'agent-1' }, transport, logger);
    events.onConnected = () => agent.sayHello();
    await agent.start();
  }, 10_000);

  afterAll(async () => {
    await agent.stop();
    await hub.close();
    await target.close();
  }, 10_000);

  it('says hello with its capacity, then heartbeats every second', async () => {
    await until(() => received.filter((m) => m.type === 'worker.heartbeat').length >= 2, 4000);
    const hello = received.find((m) => m.type === 'worker.hello');
    expect(hello).toMatchObject({ workerId: 'agent-1', capabilities: { maxConnections: 500 } });
    if (hello?.type === 'worker.hello') {
      expect(hello.capabilities.cores).toBeGreaterThan(0);
      expect(hello.capabilities.memoryBytes).toBeGreaterThan(0);
      expect(hello.host).toBeTruthy();
    }
  });

  it('runs an assignment once even if it is delivered twice, refuses a second run while busy, and reports every state', async () => {
    const runA = '11111111-1111-4111-8111-111111111111';
    const runB = '22222222-2222-4222-8222-222222222222';
    await hub.sendToWorker(assign(runA, 2));
    await hub.sendToWorker(assign(runA, 2));
    await hub.sendToWorker(assign(runB, 1));
    await until(() => received.some((m) => m.type === 'run.state' && m.runId === runA && m.state === 'finished'));
    const states = received.filter((m) => m.type === 'run.state').map((m) => (m.type === 'run.state' ? [m.runId, m.state, m.windows ?? null] : []));
    expect(states).toContainEqual([runB, 'failed', 0]);
    expect(states.filter((s) => s[0] === runA)).toEqual([
      [runA, 'started', null],
      [runA, 'finished', 2],
    ]);
    const windows = received.filter((m) => m.type === 'run.window' && m.runId === runA);
    expect(windows.map((w) => (w.type === 'run.window' ? w.seq : -1))).toEqual([0, 1]);
    const busyBeat = received.find((m) => m.type === 'worker.heartbeat' && m.activity === 'busy');
    expect(busyBeat).toMatchObject({ runId: runA });
  });

  it('sends no heartbeat while its windows stand for them, and heartbeats again once they stop', async () => {
    const runId = '66666666-6666-4666-8666-666666666666';
    await hub.sendToWorker(assign(runId, 5));
    await until(() => received.some((m) => m.type === 'run.state' && m.runId === runId && m.state === 'finished'));
    const windows = received.filter((m) => m.type === 'run.window' && m.runId === runId).map((m) => m.sentAt);
    expect(windows).toHaveLength(5);
    const [first, last] = [Math.min(...windows), Math.max(...windows)];
    const beats = () => received.filter((m) => m.type === 'worker.heartbeat').map((m) => m.sentAt);
    // Four heartbeats would fall between the first and the last of five windows; a window held back over 100 ms
    // by a busy machine's timers can let one through.
    expect(beats().filter((at) => at > first && at < last).length).toBeLessThanOrEqual(1);
    await until(() => beats().some((at) => at > last), 4000);
  }, 20_000);

  it("runs its own entry of a run's broadcast assignment: its share of a run over two workers", async () => {
    const mine = '55555555-5555-4555-8555-555555555555';
    const one = assign(mine, 1);
    const broadcast = (runId: string, workerIds: string[]): RunAssignAll => ({
      v: PROTOCOL_VERSION,
      type: 'run.assign-all',
      sentAt: Date.now(),
      runId,
      plan: one.plan,
      scenarios: one.scenarios,
      durationSeconds: 1,
      timeoutSeconds: 5,
      startAt: Date.now() + 100,
      shares: workerIds.map((workerId, index) => ({
        workerId,
        share: { index, count: workerIds.length, connections: 2 },
        segment: { from: { num: index, den: workerIds.length }, to: { num: index + 1, den: workerIds.length } },
        clockOffsetMs: 0,
      })),
    });
    // The second worker is not connected here: the hub says so, and this worker still runs its entry.
    await expect(hub.assignAll(broadcast(mine, ['agent-1', 'agent-2']))).rejects.toMatchObject({ workerIds: ['agent-2'] });
    await until(() => received.some((m) => m.type === 'run.state' && m.runId === mine && m.state === 'finished'));
    expect(received.filter((m) => m.type === 'run.window' && m.runId === mine).length).toBe(1);
    expect(received.filter((m) => m.type === 'run.state' && m.runId === mine).map((m) => (m.type === 'run.state' ? m.state : ''))).toEqual([
      'started',
      'finished',
    ]);
  });

  it('runs a part of a lost segment beside its own share of the same run, reporting its windows and states under the part', async () => {
    const runC = '33333333-3333-4333-8333-333333333333';
    const own = { ...assign(runC, 3), segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 2 } }, share: { index: 0, count: 2, connections: 1 } };
    await hub.sendToWorker(own);
    // One second in, the other half of the run (a lost worker's) is given to it as part 1; delivered twice, run once.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, own.startAt + 1100 - Date.now())));
    const part: RunAssign = {
      ...own,
      sentAt: Date.now(),
      share: { index: 1, count: 2, connections: 1 },
      segment: { from: { num: 1, den: 2 }, to: { num: 1, den: 1 } },
      part: 1,
    };
    await hub.sendToWorker(part);
    await hub.sendToWorker(part);
    const ended = (p: number | undefined) => received.some((m) => m.type === 'run.state' && m.runId === runC && m.part === p && m.state === 'finished');
    await until(() => ended(undefined) && ended(1), 10_000);
    const states = received.flatMap((m) => (m.type === 'run.state' && m.runId === runC ? [[m.part ?? null, m.state, m.windows ?? null]] : []));
    expect(states.filter((s) => s[0] === null)).toEqual([
      [null, 'started', null],
      [null, 'finished', 3],
    ]);
    const partWindows = received.flatMap((m) => (m.type === 'run.window' && m.runId === runC && m.part === 1 ? [m] : []));
    expect(states.filter((s) => s[0] === 1)).toEqual([
      [1, 'started', null],
      [1, 'finished', partWindows.length],
    ]);
    // Its own seq from 0, keyed by the run's seconds from the one it began in to the last.
    expect(partWindows.map((w) => w.seq)).toEqual(partWindows.map((_, i) => i));
    expect(partWindows.map((w) => w.second)).toEqual([1, 2]);
    const ownWindows = received.filter((m) => m.type === 'run.window' && m.runId === runC && m.part === undefined);
    expect(ownWindows.map((w) => (w.type === 'run.window' ? w.second : -1))).toEqual([0, 1, 2]);
    // A part delivered after the planned end ends at once, finished with nothing run, not failed.
    await hub.sendToWorker({ ...part, sentAt: Date.now(), part: 2 });
    await until(() => received.some((m) => m.type === 'run.state' && m.runId === runC && m.part === 2));
    expect(received.find((m) => m.type === 'run.state' && m.runId === runC && m.part === 2)).toMatchObject({ state: 'finished', windows: 0 });
  });
});

describe('WorkerAgent on 2 engine threads', () => {
  let target: TargetServer;
  let hub: InProcessHub;
  let agent: WorkerAgent;
  const received: WorkerToMaster[] = [];

  beforeAll(async () => {
    target = await startTarget();
    hub = new InProcessHub(logger);
    await hub.listen(async (m) => void received.push(m));
    const events = {} as { onConnected?: () => void };
    const transport = new PortWorkerTransport(hub.connectWorker(), logger, events);
    agent = new WorkerAgent({ ...workerIdentity({}, { threads: 2 }), workerId: 'agent-2' }, transport, logger, { threads: 2 });
    events.onConnected = () => agent.sayHello();
    await agent.start();
  }, 10_000);

  afterAll(async () => {
    await agent.stop();
    await hub.close();
    await target.close();
  }, 10_000);

  it('says it has 2 cores and runs a share on both, publishing one merged window per second', async () => {
    await until(() => received.some((m) => m.type === 'worker.hello'));
    expect(received.find((m) => m.type === 'worker.hello')).toMatchObject({ capabilities: { cores: 2 } });
    const runId = '33333333-3333-4333-8333-333333333333';
    // The engine threads load (over a second through tsx) before the agent says hello: a run given right
    // after the hello starts on time, its first window is second 0.
    await hub.sendToWorker({
      v: PROTOCOL_VERSION,
      type: 'run.assign',
      sentAt: Date.now(),
      runId,
      workerId: 'agent-2',
      plan: PlanSchema.parse({ name: 'p', baseUrl: target.url, steps: [{ name: 'r', method: 'GET', url: '/' }] }),
      durationSeconds: 2,
      scenarios: [{ name: 'default', executor: 'constant-vus', vus: 4, duration: 2, startTime: 0 }],
      timeoutSeconds: 5,
      share: { index: 0, count: 1, connections: 4 },
      segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
      startAt: Date.now() + 300,
    });
    await until(() => received.some((m) => m.type === 'run.state' && m.runId === runId && m.state === 'finished'));
    const states = received.filter((m) => m.type === 'run.state').map((m) => (m.type === 'run.state' ? [m.state, m.windows ?? null] : []));
    expect(states).toEqual([
      ['started', null],
      ['finished', 2],
    ]);
    const windows = received.filter((m) => m.type === 'run.window');
    expect(windows.map((w) => (w.type === 'run.window' ? [w.seq, w.second] : []))).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
});
