import { encodeWindowBase64, WindowRecorder } from '@loadtest/metrics';
import { PROTOCOL_VERSION, StartRunBodySchema, type RunStatus, type WorkerToMaster } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpStatusOf } from '../src/http/domain-errors.js';
import { PlanRepository } from '../src/plans/plan-repository.js';
import { RunOrchestrator, type OrchestratorOptions } from '../src/runs/orchestrator.js';
import { MasterDraining } from '../src/runs/run-errors.js';
import { RunRepository } from '../src/runs/run-repository.js';
import { runResource } from '../src/runs/run-resource.js';
import { WorkerRegistry } from '../src/workers/registry.js';
import { sqlPoolOf } from '../src/persistence/sql-pool.js';
import { createTestDatabase, RecordingTransport, until, type TestDatabase } from './support.js';
import { testOrchestrator } from './test-orchestrator.js';

/** Reads that take a while, as they do on a busy database: widens the window for races. */
class SlowReadRepository extends RunRepository {
  override async get(id: string) {
    const run = await super.get(id);
    await new Promise((resolve) => setTimeout(resolve, 40));
    return run;
  }
}

describe('RunOrchestrator (real PostgreSQL)', () => {
  let db: TestDatabase;
  let orchestrator: RunOrchestrator;
  let transport: RecordingTransport;
  let registry: WorkerRegistry;
  let runs: RunRepository;
  let planId: string;
  const states: [string, RunStatus][] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new SlowReadRepository(db.prisma);
    const plans = new PlanRepository(db.prisma);
    registry = new WorkerRegistry({ missingAfterMs: 60_000, lostAfterMs: 120_000 });
    transport = new RecordingTransport();
    orchestrator = testOrchestrator(db, runs, { plans, registry, transport, events: { stateChanged: (runId, state) => states.push([runId, state]) } });
    planId = (await plans.create(PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }))).id;
  }, 60_000);

  afterAll(async () => {
    orchestrator.close();
    await db.drop();
  }, 60_000);

  const heartbeat = (workerId: string): WorkerToMaster => ({
    v: PROTOCOL_VERSION,
    type: 'worker.heartbeat',
    sentAt: Date.now(),
    workerId,
    activity: 'idle',
    runId: null,
  });
  const state = (runId: string, workerId: string, s: 'started' | 'finished', windows?: number): WorkerToMaster => ({
    v: PROTOCOL_VERSION,
    type: 'run.state',
    sentAt: Date.now(),
    runId,
    workerId,
    state: s,
    ...(windows === undefined ? {} : { windows }),
  });
  const window = (runId: string, workerId: string, seq: number): WorkerToMaster => {
    const recorder = new WindowRecorder();
    recorder.recordResponse('r', 200, 10, 5, 1000 + seq);
    return {
      v: PROTOCOL_VERSION,
      type: 'run.window',
      sentAt: Date.now(),
      runId,
      workerId,
      seq,
      second: seq,
      data: encodeWindowBase64(recorder.take(seq, 1000)),
    };
  };

  /** Another master over the same database (a restart): it knows only what is stored. */
  const anotherMaster = (overrides: Partial<OrchestratorOptions> = {}) => testOrchestrator(db, runs, overrides);

  it('ends a run whose workers report their ends at the same moment, every time', async () => {
    const workers = ['w1', 'w2', 'w3'];
    for (let round = 0; round < 8; round++) {
      for (const w of workers) await orchestrator.handle(heartbeat(w));
      const run = await orchestrator.startRun(planId, { connections: 9, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
      expect(run.workers.map((w) => w.connections)).toEqual([3, 3, 3]);
      await Promise.all(workers.map((w) => orchestrator.handle(state(run.id, w, 'started'))));
      await Promise.all(workers.map((w) => orchestrator.handle(window(run.id, w, 0))));
      // The ends are handled concurrently, as the broker's prefetch allows: the later ones arrive
      // while the master is still looking at the run after the first one.
      const first = orchestrator.handle(state(run.id, 'w1', 'finished', 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all(['w2', 'w3'].map((w) => orchestrator.handle(state(run.id, w, 'finished', 1))));
      await first;
      const ended = await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, `round ${round}: run finished`);
      expect(ended).toBe(true);
      expect((await runs.get(run.id))!.summary!.requests).toBe(3);
    }
    expect(states.filter(([, s]) => s === 'finished')).toHaveLength(8);
  });

  it('assigns a run to all its workers with one broadcast: the whole segment table, each entry its own share', async () => {
    const workers = ['w1', 'w2', 'w3'];
    for (const w of workers) await orchestrator.handle(heartbeat(w));
    const before = transport.assignedAll.length;
    const sentBefore = transport.sent.length;
    const run = await orchestrator.startRun(planId, { connections: 9, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    const broadcasts = transport.assignedAll.slice(before);
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]).toMatchObject({ type: 'run.assign-all', runId: run.id, startAt: Date.parse(run.startAt!.toISOString()) });
    expect(broadcasts[0]!.shares.map((s) => [s.workerId, s.share.index, s.share.count, s.share.connections])).toEqual([
      ['w1', 0, 3, 3],
      ['w2', 1, 3, 3],
      ['w3', 2, 3, 3],
    ]);
    // The segments tile the run exactly: [0, 1/3), [1/3, 2/3), [2/3, 1).
    expect(broadcasts[0]!.shares.map((s) => [(s.segment.from.num * 3) / s.segment.from.den, (s.segment.to.num * 3) / s.segment.to.den])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    // No message to one worker: the three assignments are what the workers take from the broadcast.
    expect(transport.sent.slice(sentBefore).map((m) => m.type)).toEqual(['run.assign', 'run.assign', 'run.assign']);
    await Promise.all(workers.map((w) => orchestrator.handle(state(run.id, w, 'finished', 0))));
    await until(async () => ((await runs.state(run.id)) !== 'running' && (await runs.state(run.id)) !== 'pending' ? true : undefined), 3000, 'run ended');
  });

  it("stores each worker clock offset, flags skew over 250 ms, and sends the start instant in the worker's clock", async () => {
    await orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now() + 600, workerId: 'skewed', activity: 'idle', runId: null });
    const before = transport.sent.length;
    const run = await orchestrator.startRun(planId, { connections: 4, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    const skewed = run.workers.find((w) => w.workerId === 'skewed')!;
    expect(skewed.clockOffsetMs).toBeGreaterThanOrEqual(550);
    expect(skewed.clockOffsetMs).toBeLessThanOrEqual(600);
    const resource = await runResource(run, runs);
    expect(resource.workers.find((w) => w.workerId === 'skewed')!.clockSkewed).toBe(true);
    expect(resource.workers.filter((w) => w.workerId !== 'skewed').every((w) => !w.clockSkewed)).toBe(true);
    const assign = transport.sent.slice(before).find((m) => m.type === 'run.assign' && m.workerId === 'skewed');
    expect(assign?.type === 'run.assign' ? assign.startAt - run.startAt!.getTime() : null).toBe(skewed.clockOffsetMs);
    for (const w of run.workers) {
      await orchestrator.handle(state(run.id, w.workerId, 'started'));
      await orchestrator.handle(state(run.id, w.workerId, 'finished', 0));
    }
    await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
  });

  it('keeps a share ended when its late "started" is handled after its "finished"', async () => {
    for (const w of ['w1', 'w2', 'w3']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, { connections: 1, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    const workerId = run.workers[0]!.workerId;
    await orchestrator.handle(window(run.id, workerId, 0));
    await orchestrator.handle(state(run.id, workerId, 'finished', 1));
    await orchestrator.handle(state(run.id, workerId, 'started'));
    await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
    expect((await runs.get(run.id))!.workers[0]!.state).toBe('finished');
  });

  it('waits for windows still in flight after the ends, and ignores a duplicate window', async () => {
    for (const w of ['w1', 'w2', 'w3']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, { connections: 1, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    const [only] = run.workers;
    await orchestrator.handle(state(run.id, only!.workerId, 'started'));
    await orchestrator.handle(window(run.id, only!.workerId, 0));
    await orchestrator.handle(state(run.id, only!.workerId, 'finished', 2));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await runs.state(run.id)).toBe('running');
    await orchestrator.handle(window(run.id, only!.workerId, 1));
    await orchestrator.handle(window(run.id, only!.workerId, 1));
    await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
    expect((await runs.get(run.id))!.summary!.requests).toBe(2);
    expect(transport.sent.filter((m) => 'runId' in m && m.runId === run.id).map((m) => m.type)).toEqual(['run.assign']);
  });

  it('folds windows that arrive after the run ended into its recorded summary, thresholds and verdict', async () => {
    for (const w of ['w1', 'w2', 'w3']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, {
      connections: 1,
      durationSeconds: 1,
      timeoutSeconds: 5,
      thresholds: [{ expression: 'requests < 3', abortOnFail: false, abortGraceSeconds: 0 }],
      onWorkerLoss: 'rebalance',
    });
    const workerId = run.workers[0]!.workerId;
    await orchestrator.handle(state(run.id, workerId, 'started'));
    await orchestrator.handle(window(run.id, workerId, 0));
    await orchestrator.handle(window(run.id, workerId, 1));
    await orchestrator.handle(state(run.id, workerId, 'finished', 2));
    await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
    const ended = (await runs.get(run.id))!;
    expect([ended.summary!.requests, ended.verdict, ended.thresholdResults!.map((t) => t.ok)]).toEqual([2, 'passed', [true]]);
    // Windows it never counted, from a worker cut off until after the end (here: the same worker, later seconds).
    await orchestrator.handle(window(run.id, workerId, 2));
    await orchestrator.handle(window(run.id, workerId, 3));
    const refreshed = await until(
      async () => {
        const r = await runs.get(run.id);
        return r?.summary?.requests === 4 ? r : undefined;
      },
      5000,
      'late windows in the summary',
    );
    expect([refreshed.state, refreshed.verdict, refreshed.thresholdResults!.map((t) => [t.ok, t.value])]).toEqual(['finished', 'failed', [[false, 4]]]);
  });

  describe('a worker lost mid-run, by onWorkerLoss policy', () => {
    const busyHeartbeat = (workerId: string, runId: string): WorkerToMaster => ({
      v: PROTOCOL_VERSION,
      type: 'worker.heartbeat',
      sentAt: Date.now(),
      workerId,
      activity: 'busy',
      runId,
    });
    const ended = (runId: string, workerId: string, s: 'stopped' | 'finished'): WorkerToMaster => ({
      v: PROTOCOL_VERSION,
      type: 'run.state',
      sentAt: Date.now(),
      runId,
      workerId,
      state: s,
      windows: 0,
    });
    const startTwo = async (onWorkerLoss: 'rebalance' | 'abort' | 'continue') => {
      for (const w of ['x1', 'x2', 'x3', 'x4']) await orchestrator.handle(heartbeat(w));
      const run = await orchestrator.startRun(planId, { connections: 2, durationSeconds: 30, timeoutSeconds: 5, thresholds: [], onWorkerLoss });
      expect(run.workers).toHaveLength(2);
      for (const w of run.workers) await orchestrator.handle(state(run.id, w.workerId, 'started'));
      return { run, kept: run.workers[0]!, lost: run.workers[1]!, sentBefore: transport.sent.length };
    };

    it('rebalance: the lost segment goes to an idle worker at once, and the run records when and who', async () => {
      const { run, kept, lost, sentBefore } = await startTwo('rebalance');
      await orchestrator.onWorkerLost(lost.workerId);
      const assign = transport.sent.slice(sentBefore).find((m) => m.type === 'run.assign');
      expect(assign?.type).toBe('run.assign');
      if (assign?.type !== 'run.assign') return;
      expect([kept.workerId, lost.workerId]).not.toContain(assign.workerId);
      expect(assign.segment).toEqual(lost.segment);
      expect(assign.scenarios).toEqual(run.load.scenarios);
      expect(Math.abs(assign.startAt - run.startAt!.getTime())).toBeLessThan(250);
      const stored = (await runs.get(run.id))!;
      const lostRow = stored.workers.find((w) => w.workerId === lost.workerId)!;
      const taker = stored.workers.find((w) => w.workerId === assign.workerId)!;
      expect(lostRow.state).toBe('lost');
      expect(lostRow.reason).toMatch(new RegExp(`^lost at second \\d+; its segment was taken over by ${assign.workerId}$`));
      expect(taker).toMatchObject({ state: 'assigned', segment: lost.segment, index: lost.index });
      expect(taker.reason).toMatch(new RegExp(`^took over ${lost.workerId}'s segment at second \\d+$`));
      // The run ends as usual once the kept and the taking-over workers end.
      for (const w of [kept.workerId, assign.workerId]) {
        await orchestrator.handle(state(run.id, w, 'started'));
        await orchestrator.handle(ended(run.id, w, 'finished'));
      }
      await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
      // The lost worker comes back still running its share: it is told to stop.
      await orchestrator.handle(busyHeartbeat(lost.workerId, run.id));
    });

    it('a lost worker that comes back before the run ends: its reported windows are waited for and counted', async () => {
      const { run, kept, lost } = await startTwo('continue');
      await orchestrator.onWorkerLost(lost.workerId);
      await orchestrator.handle(busyHeartbeat(lost.workerId, run.id));
      // Stopped, it reports the 2 windows it published; they come after its state.
      await orchestrator.handle({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId: run.id,
        workerId: lost.workerId,
        state: 'stopped',
        windows: 2,
      });
      await orchestrator.handle(ended(run.id, kept.workerId, 'finished'));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await runs.state(run.id)).toBe('running');
      for (const seq of [0, 1]) await orchestrator.handle(window(run.id, lost.workerId, seq));
      await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
      const stored = (await runs.get(run.id))!;
      expect(stored.summary!.requests).toBe(2);
      expect(stored.workers.find((w) => w.workerId === lost.workerId)).toMatchObject({ state: 'lost', windowsReported: 2 });
    });

    it('abort: the run is stopped and ends failed, saying which worker was lost and when', async () => {
      const { run, kept, lost, sentBefore } = await startTwo('abort');
      await orchestrator.onWorkerLost(lost.workerId);
      const stops = transport.sent.slice(sentBefore).filter((m) => m.type === 'run.stop');
      // Every worker of the run is told to stop, the lost one too in case it is only cut off and still sending.
      expect(stops.map((m) => m.workerId).sort()).toEqual([kept.workerId, lost.workerId].sort());
      await orchestrator.handle(ended(run.id, kept.workerId, 'stopped'));
      await until(async () => ((await runs.state(run.id)) === 'failed' ? true : undefined), 3000, 'run failed');
      const stored = (await runs.get(run.id))!;
      expect(stored.error).toMatch(new RegExp(`aborted: worker ${lost.workerId} was lost at second \\d+ \\(onWorkerLoss: abort\\)`));
      expect(stored.workers.find((w) => w.workerId === lost.workerId)!.state).toBe('lost');
    });

    it('abort survives a master restart: the next master ends the run failed, for the same reason', async () => {
      const { run, kept, lost } = await startTwo('abort');
      await orchestrator.onWorkerLost(lost.workerId);
      // The master dies before the kept worker's `stopped` arrives; the next one knows only what is stored.
      const restarted = anotherMaster();
      try {
        expect(await restarted.recoverActiveRuns()).toContain(run.id);
        await restarted.handle(ended(run.id, kept.workerId, 'stopped'));
        await until(async () => ((await runs.state(run.id)) === 'failed' ? true : undefined), 3000, 'run failed');
        expect((await runs.get(run.id))!.error).toMatch(new RegExp(`aborted: worker ${lost.workerId} was lost at second \\d+ \\(onWorkerLoss: abort\\)`));
      } finally {
        restarted.close();
      }
    });

    it('continue: the run goes on with less load, finishes, and says so; a returning worker is told to stop', async () => {
      const { run, kept, lost, sentBefore } = await startTwo('continue');
      await orchestrator.onWorkerLost(lost.workerId);
      expect(transport.sent.slice(sentBefore).filter((m) => m.type === 'run.assign')).toEqual([]);
      await orchestrator.handle(busyHeartbeat(lost.workerId, run.id));
      const stop = transport.sent.slice(sentBefore).find((m) => m.type === 'run.stop');
      expect(stop?.workerId).toBe(lost.workerId);
      await orchestrator.handle(ended(run.id, kept.workerId, 'finished'));
      await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
      const lostRow = (await runs.get(run.id))!.workers.find((w) => w.workerId === lost.workerId)!;
      expect(lostRow).toMatchObject({ state: 'lost' });
      expect(lostRow.reason).toMatch(/^lost at second \d+; the run went on with less load \(onWorkerLoss: continue\)$/);
      // The result says the run had less load than planned, and why.
      expect((await runs.get(run.id))!.error).toBe(`ran with less load than planned: ${lost.workerId} ${lostRow.reason}`);
    });

    it('a run whose every worker is lost, with none to take over, ends failed and says so', async () => {
      const { run, kept, lost } = await startTwo('continue');
      await orchestrator.onWorkerLost(lost.workerId);
      await orchestrator.onWorkerLost(kept.workerId);
      await until(async () => ((await runs.state(run.id)) === 'failed' ? true : undefined), 3000, 'run failed');
      expect((await runs.get(run.id))!.error).toMatch(/^every worker of the run was lost or left: /);
    });

    const left = (runId: string, workerId: string): WorkerToMaster => ({
      v: PROTOCOL_VERSION,
      type: 'run.state',
      sentAt: Date.now(),
      runId,
      workerId,
      state: 'left',
      windows: 3,
      reason: 'the worker shut down (SIGTERM)',
    });

    it('a worker that leaves (SIGTERM) gets the policy at once: rebalance hands its segment on, its windows count kept', async () => {
      const { run, kept, lost, sentBefore } = await startTwo('rebalance');
      await orchestrator.handle(left(run.id, lost.workerId));
      const assign = transport.sent.slice(sentBefore).find((m) => m.type === 'run.assign');
      expect(assign?.type === 'run.assign' && assign.segment).toEqual(lost.segment);
      const leftRow = (await runs.get(run.id))!.workers.find((w) => w.workerId === lost.workerId)!;
      expect(leftRow).toMatchObject({ state: 'left', windowsReported: 3 });
      expect(leftRow.reason).toMatch(new RegExp(`^left \\(shut down\\) at second \\d+; its segment was taken over by ${assign!.workerId}$`));
      for (const w of [kept.workerId, assign!.workerId]) {
        await orchestrator.handle(state(run.id, w, 'started'));
        await orchestrator.handle(ended(run.id, w, 'finished'));
      }
      // It said it published 3 windows: the run waits for them, then ends with them.
      for (const seq of [0, 1, 2]) await orchestrator.handle(window(run.id, lost.workerId, seq));
      await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
      expect((await runs.get(run.id))!.summary!.requests).toBe(3);
    });

    describe('with every worker busy (no idle one)', () => {
      const hello = (workerId: string): WorkerToMaster => ({
        v: PROTOCOL_VERSION,
        type: 'worker.hello',
        sentAt: Date.now(),
        workerId,
        host: 'h',
        version: '1',
        capabilities: { cores: 1, memoryBytes: 1, maxConnections: 40 },
      });
      const partWindow = (runId: string, workerId: string, part: number, seq: number, second: number): WorkerToMaster => {
        const recorder = new WindowRecorder();
        recorder.recordResponse('r', 200, 10, 5, 1000 + seq);
        return {
          v: PROTOCOL_VERSION,
          type: 'run.window',
          sentAt: Date.now(),
          runId,
          workerId,
          seq,
          second,
          part,
          data: encodeWindowBase64(recorder.take(second, 1000)),
        };
      };
      /** A master of its own, whose only workers are the 3 of its run: none is idle when one is lost. */
      const startThree = async (onWorkerLoss: 'rebalance' | 'continue', tag: string) => {
        const own = new RecordingTransport();
        const registry = new WorkerRegistry({ missingAfterMs: 60_000, lostAfterMs: 120_000 });
        const master = anotherMaster({ transport: own, registry });
        const ids = ['b1', 'b2', 'b3'].map((id) => `${id}-${tag}`);
        for (const id of ids) {
          await master.handle(hello(id));
          await master.handle(heartbeat(id));
        }
        const run = await master.startRun(
          planId,
          StartRunBodySchema.parse({ scenarios: [{ executor: 'constant-arrival-rate', rate: 300, duration: 30, maxVUs: 30 }], onWorkerLoss }),
        );
        expect(run.workers.map((w) => w.workerId)).toEqual(ids);
        for (const id of ids) {
          await master.handle(state(run.id, id, 'started'));
          await master.handle(busyHeartbeat(id, run.id));
        }
        return { master, own, registry, run, ids, sentBefore: own.sent.length };
      };

      it('rebalance: the survivors split the lost segment by their room, each part a share <worker>~<part> with its own windows and end', async () => {
        const { master, own, registry: workers, run, ids, sentBefore } = await startThree('rebalance', 'split');
        try {
          await master.onWorkerLost(ids[2]!);
          const assigns = own.sent.slice(sentBefore).flatMap((m) => (m.type === 'run.assign' ? [m] : []));
          // 10 connections each of 40, so equal room: the lost third is halved, consecutive, each to a survivor as its part 1.
          expect(assigns.map((a) => [a.workerId, a.part, a.share.index, a.share.connections, a.segment])).toEqual([
            [ids[0], 1, 2, 5, { from: { num: 2, den: 3 }, to: { num: 5, den: 6 } }],
            [ids[1], 1, 2, 5, { from: { num: 5, den: 6 }, to: { num: 1, den: 1 } }],
          ]);
          const resource = await runResource((await runs.get(run.id))!, runs);
          expect(resource.workers.map((w) => [w.shareId, w.workerId, w.part, w.index, w.state])).toEqual([
            [ids[0], ids[0], null, 0, 'started'],
            [ids[1], ids[1], null, 1, 'started'],
            // In order of index, then of share id: the lost share's parts beside it.
            [`${ids[0]}~1`, ids[0], 1, 2, 'assigned'],
            [`${ids[1]}~1`, ids[1], 1, 2, 'assigned'],
            [ids[2], ids[2], null, 2, 'lost'],
          ]);
          expect(resource.workers[4]!.reason).toMatch(
            new RegExp(
              `^lost at second \\d+; its segment \\[2/3, 1/1\\) was split among the run's busy workers: ${ids[0]}~1 took \\[2/3, 5/6\\), ${ids[1]}~1 took \\[5/6, 1/1\\)$`,
            ),
          );
          expect(resource.workers[2]!.reason).toMatch(
            new RegExp(`^took \\[2/3, 5/6\\) of ${ids[2]}'s segment \\[2/3, 1/1\\) \\(part 1 of 2\\) at second \\d+$`),
          );
          // A part's windows and states come with its part: stored under the part's share id, beside the worker's own.
          for (const id of ids.slice(0, 2)) {
            await master.handle({ v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.id, workerId: id, state: 'started', part: 1 });
            await master.handle(window(run.id, id, 0));
            await master.handle(partWindow(run.id, id, 1, 0, 0));
            await master.handle(partWindow(run.id, id, 1, 1, 1));
            await master.handle({
              v: PROTOCOL_VERSION,
              type: 'run.state',
              sentAt: Date.now(),
              runId: run.id,
              workerId: id,
              state: 'finished',
              windows: 2,
              part: 1,
            });
          }
          // A part ended, its worker's own share not: the worker stays busy with the run.
          expect(workers.workerState(ids[0]!)).toBe('busy');
          for (const id of ids.slice(0, 2))
            await master.handle({ v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.id, workerId: id, state: 'finished', windows: 1 });
          await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
          const stored = (await runs.get(run.id))!;
          expect(stored.error).toBeNull();
          expect(stored.summary!.requests).toBe(6);
          expect(stored.workers.filter((w) => w.workerId.includes('~')).map((w) => [w.workerId, w.state, w.windowsReported, w.windowsStored])).toEqual([
            [`${ids[0]}~1`, 'finished', 2, 2],
            [`${ids[1]}~1`, 'finished', 2, 2],
          ]);
        } finally {
          master.close();
        }
      });

      it('a survivor lost in turn hands on its own share and its part; continue splits nothing', async () => {
        const { master, own, run, ids, sentBefore } = await startThree('rebalance', 'again');
        try {
          await master.onWorkerLost(ids[2]!);
          await master.onWorkerLost(ids[1]!);
          const assigns = own.sent.slice(sentBefore).flatMap((m) => (m.type === 'run.assign' ? [m] : []));
          // b1 takes b2's own third as its part 2 and b2's part (a sixth) as its part 3.
          expect(assigns.map((a) => [a.workerId, a.part])).toEqual([
            [ids[0], 1],
            [ids[1], 1],
            [ids[0], 2],
            [ids[0], 3],
          ]);
          const stored = (await runs.get(run.id))!;
          expect(
            stored.workers
              .filter((w) => w.state === 'lost')
              .map((w) => w.workerId)
              .sort(),
          ).toEqual([ids[1], `${ids[1]}~1`, ids[2]]);
        } finally {
          master.close();
        }
        const cont = await startThree('continue', 'continue');
        try {
          await cont.master.onWorkerLost(cont.ids[2]!);
          expect(cont.own.sent.slice(cont.sentBefore).filter((m) => m.type === 'run.assign')).toEqual([]);
          expect((await runs.get(cont.run.id))!.workers.find((w) => w.workerId === cont.ids[2])!.reason).toMatch(
            /^lost at second \d+; the run went on with less load \(onWorkerLoss: continue\)$/,
          );
        } finally {
          cont.master.close();
        }
      });
    });

    it('a worker that leaves under abort ends the run failed, saying it shut down', async () => {
      const { run, kept, lost } = await startTwo('abort');
      await orchestrator.handle(left(run.id, lost.workerId));
      await orchestrator.handle(ended(run.id, kept.workerId, 'stopped'));
      for (const seq of [0, 1, 2]) await orchestrator.handle(window(run.id, lost.workerId, seq));
      await until(async () => ((await runs.state(run.id)) === 'failed' ? true : undefined), 3000, 'run failed');
      expect((await runs.get(run.id))!.error).toMatch(
        new RegExp(`aborted: worker ${lost.workerId} left \\(shut down\\) at second \\d+ \\(onWorkerLoss: abort\\)`),
      );
    });
  });

  it('a run whose workers stopped for want of the master ends interrupted, keeping what they measured', async () => {
    for (const w of ['i1', 'i2']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, { connections: 2, durationSeconds: 30, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' });
    for (const w of run.workers) {
      await orchestrator.handle(state(run.id, w.workerId, 'started'));
      await orchestrator.handle(window(run.id, w.workerId, 0));
      await orchestrator.handle({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId: run.id,
        workerId: w.workerId,
        state: 'interrupted',
        windows: 1,
        reason: 'no word from the master for 31 s (grace 30000 ms)',
      });
    }
    await until(async () => ((await runs.state(run.id)) === 'interrupted' ? true : undefined), 3000, 'run interrupted');
    const stored = (await runs.get(run.id))!;
    expect(stored.summary!.requests).toBe(2);
    expect(stored.error).toMatch(/^interrupted: i1: no word from the master for 31 s/);
  });

  it('a restarted master takes up a run in progress from the database and ends it when its workers do', async () => {
    for (const w of ['r1', 'r2']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, {
      connections: 2,
      durationSeconds: 30,
      timeoutSeconds: 5,
      thresholds: [{ expression: 'p(95) < 5s', abortOnFail: false, abortGraceSeconds: 0 }],
      onWorkerLoss: 'rebalance',
    });
    for (const w of run.workers) await orchestrator.handle(state(run.id, w.workerId, 'started'));
    const [a, b] = run.workers.map((w) => w.workerId) as [string, string];
    await orchestrator.handle(window(run.id, a, 0));
    // The master dies; a new one starts over the same database, knowing nothing but what is stored.
    const events: [string, RunStatus][] = [];
    const restarted = anotherMaster({ events: { stateChanged: (runId, s) => events.push([runId, s]) } });
    try {
      expect(await restarted.recoverActiveRuns()).toContain(run.id);
      // What the broker held while no master was there arrives now, a duplicate among it.
      await restarted.handle(window(run.id, a, 0));
      await restarted.handle(window(run.id, a, 1));
      await restarted.handle(window(run.id, b, 0));
      await restarted.handle(state(run.id, a, 'finished', 2));
      await restarted.handle(state(run.id, b, 'finished', 1));
      await until(async () => ((await runs.state(run.id)) === 'finished' ? true : undefined), 3000, 'run finished');
      const stored = (await runs.get(run.id))!;
      expect(stored.summary!.requests).toBe(3);
      expect(stored.verdict).toBe('passed');
      expect(events).toContainEqual([run.id, 'finished']);
    } finally {
      restarted.close();
    }
  });

  it('after a restart, a run whose workers never report again (they went down with the master) ends interrupted at its watchdog, after its gracefulStop', async () => {
    for (const w of ['c1', 'c2']) await orchestrator.handle(heartbeat(w));
    const run = await orchestrator.startRun(planId, {
      connections: 2,
      durationSeconds: 1,
      gracefulStop: 1,
      timeoutSeconds: 5,
      thresholds: [],
      onWorkerLoss: 'rebalance',
    });
    for (const w of run.workers) await orchestrator.handle(state(run.id, w.workerId, 'started'));
    await orchestrator.handle(window(run.id, run.workers[0]!.workerId, 0));
    const restarted = anotherMaster({ overdueMs: 200 });
    try {
      await restarted.recoverActiveRuns();
      await until(async () => ((await runs.state(run.id)) === 'interrupted' ? true : undefined), 5000, 'run interrupted');
      const stored = (await runs.get(run.id))!;
      expect(stored.error).toMatch(/^interrupted: the master restarted during the run and these workers never reported again: /);
      // Not before the planned end, the scenario's gracefulStop (1 s) and the overdue delay (200 ms): the last windows may come that late.
      expect(stored.endedAt!.getTime()).toBeGreaterThanOrEqual(run.startAt!.getTime() + 1000 + 1000 + 200);
      // What was measured before is kept.
      expect(stored.summary!.requests).toBe(1);
    } finally {
      restarted.close();
    }
  });

  it('keeps nothing of a run once it has ended, even when one of its shares reports after the end (a run ended by its watchdog)', async () => {
    const master = anotherMaster({ overdueMs: 100 });
    try {
      for (const w of ['e1', 'e2']) await master.handle(heartbeat(w));
      const run = await master.startRun(planId, {
        connections: 2,
        durationSeconds: 1,
        gracefulStop: 0,
        timeoutSeconds: 5,
        thresholds: [],
        onWorkerLoss: 'rebalance',
      });
      for (const w of run.workers) await master.handle(state(run.id, w.workerId, 'started'));
      expect(master.footprint()).toMatchObject({ activeRuns: 1, runTimers: 1 });
      await until(
        async () => (['pending', 'running'].includes((await runs.state(run.id)) ?? 'pending') ? undefined : true),
        10_000,
        'run ended by its watchdog',
      );
      expect((await runs.get(run.id))!.error).toBe('workers that did not report an end: e1, e2');
      expect(master.footprint()).toMatchObject({ activeRuns: 0, runTimers: 0 });
      // A share of the ended run reports its end late: it is recorded, and nothing of the run is kept for it.
      await master.handle(state(run.id, run.workers[0]!.workerId, 'finished', 0));
      expect((await runs.get(run.id))!.workers[0]!.state).toBe('finished');
      expect(master.footprint()).toMatchObject({ activeRuns: 0, runTimers: 0 });
    } finally {
      master.close();
    }
  });

  it('refuses new runs with 503 once draining for shutdown', async () => {
    await orchestrator.handle(heartbeat('d1'));
    const draining = anotherMaster({ registry });
    draining.drain();
    const refused = await draining.startRun(planId, { connections: 1, durationSeconds: 1, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'rebalance' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MasterDraining);
    expect((refused as Error).message).toContain('shutting down');
    // The API answers it with a 503.
    expect(httpStatusOf(refused)?.statusCode).toBe(503);
    draining.close();
  });
});

/** Counts the reads of a whole run that are under way at once, and the attempts to move a run out of `pending`. */
class CountingReadRepository extends RunRepository {
  inFlight = 0;
  maxInFlight = 0;
  leavePendingAttempts = 0;
  override async transition(...args: Parameters<RunRepository['transition']>) {
    if (args[1].includes('pending') && args[2] === 'running') this.leavePendingAttempts += 1;
    return super.transition(...args);
  }
  override async get(id: string) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const run = await super.get(id);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return run;
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe('RunOrchestrator: many workers at once (real PostgreSQL)', () => {
  let db: TestDatabase;
  let runs: CountingReadRepository;
  let orchestrator: RunOrchestrator;
  let planId: string;
  const running: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new CountingReadRepository(db.prisma);
    const plans = new PlanRepository(db.prisma);
    orchestrator = testOrchestrator(db, runs, { plans, events: { stateChanged: (runId, state) => void (state === 'running' && running.push(runId)) } });
    planId = (await plans.create(PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }))).id;
  }, 60_000);

  afterAll(async () => {
    orchestrator.close();
    await db.drop();
  }, 60_000);

  it("moves a run to running once, however many of its workers' `started` are handled at once (one statement for the run, not one per worker)", async () => {
    const workers = Array.from({ length: 40 }, (_, i) => `start-${String(i).padStart(2, '0')}`);
    for (const workerId of workers) {
      await orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: 'idle', runId: null });
    }
    const run = await orchestrator.startRun(planId, { connections: 40, durationSeconds: 30, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'continue' });
    runs.leavePendingAttempts = 0;
    // As the broker's prefetch delivers them: all at once, none awaited before the next.
    await Promise.all(
      run.workers.map((w) =>
        orchestrator.handle({ v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.id, workerId: w.workerId, state: 'started' }),
      ),
    );
    expect(await runs.state(run.id)).toBe('running');
    expect(running.filter((id) => id === run.id)).toHaveLength(1);
    expect(runs.leavePendingAttempts).toBe(1);
    expect((await runs.get(run.id))!.workers.filter((w) => w.state === 'started')).toHaveLength(40);
    // Its workers stay busy with it: the next test's run gets only its own.
  }, 120_000);

  it('handles a sweep that declares every worker lost one loss at a time (one read of the run at once), and records each share lost', async () => {
    const workers = Array.from({ length: 40 }, (_, i) => `mass-${String(i).padStart(2, '0')}`);
    for (const workerId of workers) {
      await orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: 'idle', runId: null });
    }
    const run = await orchestrator.startRun(planId, { connections: 40, durationSeconds: 30, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'continue' });
    expect(run.workers).toHaveLength(40);
    for (const w of run.workers) {
      await orchestrator.handle({ v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.id, workerId: w.workerId, state: 'started' });
    }
    runs.maxInFlight = 0;
    // As the registry's sweep does: every loss told at once, none awaited before the next.
    await Promise.all(workers.map((workerId) => orchestrator.onWorkerLost(workerId)));
    expect(runs.maxInFlight).toBe(1);
    const stored = (await runs.get(run.id))!;
    expect(stored.workers.filter((w) => w.state === 'lost')).toHaveLength(40);
  }, 120_000);

  it("writes the states of every share told at once in a few statements, and a share's `started` and end told together in their order", async () => {
    const workers = Array.from({ length: 40 }, (_, i) => `end-${String(i).padStart(2, '0')}`);
    for (const workerId of workers) {
      await orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: 'idle', runId: null });
    }
    const run = await orchestrator.startRun(planId, { connections: 40, durationSeconds: 30, timeoutSeconds: 5, thresholds: [], onWorkerLoss: 'continue' });
    const pool = sqlPoolOf(db.prisma);
    const query = pool.query.bind(pool);
    let stateStatements = 0;
    pool.query = ((...args: Parameters<typeof query>) => {
      if (typeof args[0] === 'string' && args[0].startsWith('UPDATE run_workers')) stateStatements += 1;
      return query(...args);
    }) as typeof pool.query;
    const state = (workerId: string, runState: 'started' | 'finished') =>
      orchestrator.handle({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId: run.id,
        workerId,
        state: runState,
        ...(runState === 'finished' ? { windows: 0 } : {}),
      });
    try {
      // As a broker redelivers them after a restart: each share's `started` and `finished` in the same moment;
      // the first share's `finished` comes before its `started`, which then must not move it back.
      const [first, ...rest] = run.workers.map((w) => w.workerId);
      await Promise.all([state(first!, 'finished'), state(first!, 'started'), ...rest.flatMap((id) => [state(id, 'started'), state(id, 'finished')])]);
    } finally {
      pool.query = query;
    }
    const stored = (await runs.get(run.id))!;
    expect(stored.workers.map((w) => [w.state, w.windowsReported])).toEqual(workers.map(() => ['finished', 0]));
    // One statement per round (a share named once in each): two, where one per message was 80.
    expect(stateStatements).toBe(2);
  }, 120_000);
});
