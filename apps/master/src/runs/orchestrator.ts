import { drainEndSeconds, LoadPlanError, resolveLoad, segmentConnections, type Segment } from '@loadtest/execution';
import { decodeWindowBase64, summarizeMerged, type ScopedThreshold, type Window } from '@loadtest/metrics';
import {
  ENDED_RUN_STATES,
  parseShareId,
  PROTOCOL_VERSION,
  shareId,
  type RunStateMessage,
  type RunStatus,
  type RunWindow,
  type LoadRequest,
  type RunLoad,
  type StartRunBody,
  type ThresholdOutcome,
  type WorkerToMaster,
} from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import { badRequest, conflict, notFound, unavailable } from '../http/errors.js';
import { thresholdOutcomes, type LiveAggregator } from '../live/live-aggregator.js';
import { planOf, type PlanRepository } from '../plans/plan-repository.js';
import type { WorkerRegistry } from '../workers/registry.js';
import type { RunRepository, StoredRun } from './run-repository.js';
import { parseThresholdSpecs } from './thresholds.js';
import { LateWindows } from './late-windows.js';
import { ENDED_SHARE_STATES, runOutcome, runVerdict } from './run-outcome.js';
import { decideTakeover, segmentText, type LostShare } from './takeover-decision.js';
import { assignWorkers } from './worker-assignment.js';
import { WindowWriter } from './window-writer.js';

export interface RunEvents {
  stateChanged(runId: string, state: RunStatus, reason: string | null): void;
}

export interface OrchestratorOptions {
  runs: RunRepository;
  plans: PlanRepository;
  registry: WorkerRegistry;
  transport: MasterTransport;
  live: LiveAggregator;
  events: RunEvents;
  logger: Logger;
  /** Time between assigning a run and its common start instant, so that every worker receives its share first. */
  startLeadMs: number;
  /** Added to the lead per assigned worker: assigning a thousand workers takes a while. */
  startLeadPerWorkerMs?: number;
  /** How long to wait, after every worker ended, for windows still in flight. */
  windowGraceMs: number;
  /** A run whose workers have not all reported an end this long after its planned end is ended as failed. */
  overdueMs: number;
  /** How long after a window for an ended run its recorded result is re-merged (one re-merge per burst). */
  lateWindowDelayMs?: number;
  now?: () => number;
}

/**
 * Plans runs and follows them to their end: gives each live worker an
 * execution segment and its share of the load on its own queue, stores every window the
 * workers send, and ends the run with a summary merged from the stored windows.
 */
export class RunOrchestrator {
  private readonly now: () => number;
  /** Runs this master has asked to stop. */
  private readonly stopRequested = new Set<string>();
  private readonly finalizing = new Set<string>();
  /** Runs for which another finalize was asked while one was in progress, with its forcing reason if any. */
  private readonly finalizeAgain = new Map<string, string | undefined>();
  /** When the grace for late windows runs out, per run waiting for them. */
  private readonly windowDeadlines = new Map<string, number>();
  private readonly pendingFinalize = new Map<string, NodeJS.Timeout>();
  private readonly watchdogs = new Map<string, NodeJS.Timeout>();
  /** Thresholds of the runs in progress, as requested and parsed. */
  private readonly specs = new Map<string, StartRunBody['thresholds']>();
  private readonly thresholds = new Map<string, ScopedThreshold[]>();
  /** Latest live threshold outcomes of the runs in progress. */
  private readonly liveOutcomes = new Map<string, ThresholdOutcome[]>();
  /** Why a run is being aborted (a threshold with abortOnFail failed). */
  private readonly abortReasons = new Map<string, string>();
  /** `runId:workerId` of shares whose worker was lost: if it comes back still running them, it is told to stop. */
  private readonly lostShares = new Set<string>();
  /** Runs known to exist, so that each window does not cost a look-up. */
  private readonly knownRuns = new Set<string>();
  /** Runs known to have ended: a window for one of them changes its recorded result. */
  private readonly endedRuns = new Set<string>();
  private readonly lateWindows: LateWindows;
  private readonly windowWriter: WindowWriter;
  /** Set on shutdown: no new run is accepted. */
  private draining = false;
  /** Runs taken up after a (re)start of this master: a share that never reports again was cut off by its absence. */
  private readonly recovered = new Set<string>();
  /** Takeovers one at a time, so that two losses at once do not give the same room or part number twice. */
  private takeovers: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: OrchestratorOptions) {
    this.now = o.now ?? Date.now;
    this.windowWriter = new WindowWriter(o.runs);
    this.lateWindows = new LateWindows(o.runs, o.logger, o.lateWindowDelayMs);
  }

  async startRun(planId: string, body: StartRunBody): Promise<StoredRun> {
    if (this.draining) throw unavailable('the master is shutting down and accepts no new run; start it on the next master');
    const plan = await this.o.plans.get(planId);
    if (!plan) throw notFound('plan', planId);
    const { thresholds: thresholdSpecs, ...request } = body;
    const load = runnableLoad(request);
    const scoped = parseThresholdSpecs(thresholdSpecs, planOf(plan));
    const available = this.o.registry.available();
    if (available.length === 0) {
      const counts = this.o.registry.summaryCounts();
      throw conflict(
        `no live worker is available to run plan ${planId} (workers known: ${counts.online} online, ${counts.busy} busy, ${counts.missing} missing, ${counts.lost} lost); start a worker or wait for the current run to end`,
      );
    }
    const { workerIds, segments } = assignWorkers(load, available, (id) => this.o.registry.capabilitiesOf(id)?.maxConnections ?? null);
    const shares = segments.map((segment) => load.scenarios.reduce((sum, scenario) => sum + segmentConnections(segment, scenario), 0));
    const startAt = new Date(this.now() + this.o.startLeadMs + (this.o.startLeadPerWorkerMs ?? 0) * workerIds.length);
    const offsets = workerIds.map((workerId) => this.o.registry.clockOffset(workerId));
    const runId = await this.o.runs.create({
      planId,
      plan: planOf(plan),
      load,
      thresholds: thresholdSpecs,
      startAt,
      workers: workerIds.map((workerId, index) => ({ workerId, index, connections: shares[index]!, segment: segments[index]!, clockOffsetMs: offsets[index] ?? null })),
    });
    this.thresholds.set(runId, scoped);
    this.specs.set(runId, thresholdSpecs);
    this.knownRuns.add(runId);
    this.o.live.trackRun(runId, workerIds.length, scoped);
    this.o.logger.info({ runId, planId, workers: workerIds, shares, startAt }, 'run assigned');
    await Promise.all(
      workerIds.map(async (workerId, index) => {
        this.o.registry.markBusy(workerId, runId);
        try {
          await this.o.transport.sendToWorker({
            v: PROTOCOL_VERSION,
            type: 'run.assign',
            sentAt: this.now(),
            runId,
            workerId,
            plan: planOf(plan),
            scenarios: load.scenarios,
            durationSeconds: load.durationSeconds,
            timeoutSeconds: load.timeoutSeconds,
            share: { index, count: workerIds.length, connections: shares[index]! },
            segment: segments[index]!,
            // In the worker's own clock, so that every worker starts at the same true instant
            // and their windows' seconds line up.
            startAt: startAt.getTime() + Math.round(offsets[index] ?? 0),
          });
        } catch (error) {
          this.o.logger.error({ err: error, runId, workerId }, 'cannot send assignment');
          this.o.registry.markIdle(workerId, runId);
          await this.o.runs.setWorkerState(runId, workerId, 'failed', { windowsReported: 0, reason: `assignment not delivered: ${(error as Error).message}` });
        }
      }),
    );
    this.armWatchdog(runId, startAt.getTime() + drainEndSeconds(load) * 1000);
    await this.tryFinalize(runId);
    return (await this.o.runs.get(runId))!;
  }

  async stopRun(runId: string): Promise<StoredRun> {
    const run = await this.o.runs.get(runId);
    if (!run) throw notFound('run', runId);
    if (ENDED_RUN_STATES.includes(run.state)) throw conflict(`run ${runId} has already ended (${run.state})`);
    this.stopRequested.add(runId);
    await this.stopWorkers(run, 'stopped through the API');
    this.o.logger.info({ runId }, 'stop requested');
    await this.tryFinalize(runId);
    return (await this.o.runs.get(runId))!;
  }

  /**
   * A worker was declared lost (silent past WORKER_LOST_AFTER_MS): each run it
   * had a share of applies its `onWorkerLoss` policy. `rebalance` sends the
   * same assignment (scenarios, segment, start instant) to an idle worker,
   * which starts at once and keys its windows by the run's seconds as any late
   * starter does; with no idle worker, the run's busy workers split the
   * segment by their spare capacity and each runs its part beside its own
   * share (decideTakeover); with no room anywhere the run goes on without it.
   * `abort` stops the run, which ends failed with the reason. `continue` runs
   * on with less load. The run's workers record what happened and when.
   */
  async onWorkerLost(workerId: string): Promise<void> {
    // Its own shares and the parts of lost shares it ran, each handled as a share of its own.
    for (const share of await this.o.runs.openSharesOf(workerId)) {
      const run = await this.o.runs.get(share.runId);
      if (!run || ENDED_RUN_STATES.includes(run.state)) continue;
      this.lostShares.add(`${run.id}:${workerId}`);
      await this.applyLossPolicy(run, share, 'lost');
    }
  }

  /**
   * A worker's share ended before the run did, the worker gone (`lost`: silent
   * past WORKER_LOST_AFTER_MS; `left`: it shut down and said so): the run's
   * `onWorkerLoss` policy decides what becomes of the share, and the share's
   * reason records it. A `left` share already has its state and windows.
   */
  private async applyLossPolicy(run: StoredRun, share: LostShare, how: 'lost' | 'left'): Promise<void> {
    const second = run.startAt ? Math.max(0, Math.floor((this.now() - run.startAt.getTime()) / 1000)) : 0;
    const policy = run.load.onWorkerLoss;
    const workerId = share.shareId;
    this.o.registry.markIdle(parseShareId(workerId).workerId, run.id);
    this.o.logger.warn({ runId: run.id, workerId, second, policy, how }, how === 'lost' ? 'worker lost mid-run' : 'worker left mid-run');
    const what = how === 'lost' ? `lost at second ${second}` : `left (shut down) at second ${second}`;
    let outcome: string;
    if (policy === 'abort') {
      const reason = `aborted: worker ${workerId} ${how === 'lost' ? 'was ' : ''}${what} (onWorkerLoss: abort)`;
      outcome = `${what}; the run was aborted`;
      await this.recordAbort(run.id, reason);
      await this.stopWorkers(run, reason);
    } else {
      const handedOn = policy === 'rebalance' ? await this.serialTakeover(() => this.takeOver(run.id, share, second)) : undefined;
      outcome = handedOn?.taken
        ? `${what}; ${handedOn.taken}`
        : `${what}; the run went on with less load (${policy === 'continue' ? 'onWorkerLoss: continue' : (handedOn?.why ?? 'no idle worker could take over')})`;
    }
    if (how === 'lost') await this.o.runs.setWorkerState(run.id, workerId, 'lost', { reason: outcome });
    else await this.o.runs.setShareReason(run.id, workerId, outcome);
    // The live stream's seconds are complete with a window from each share still running, the takers' included.
    this.o.live.setWorkers(run.id, await this.o.runs.openShareCount(run.id));
    await this.tryFinalize(run.id);
  }

  private serialTakeover<T>(take: () => Promise<T>): Promise<T> {
    const result = this.takeovers.then(take);
    this.takeovers = result.catch(() => undefined);
    return result;
  }

  /**
   * Hands a lost share on (decideTakeover): whole to an idle worker, or in parts to the run's busy workers.
   * Says what was done, for the lost share's reason, or why nothing was.
   */
  private async takeOver(runId: string, lost: LostShare, second: number): Promise<{ taken?: string; why?: string }> {
    // Read again: a takeover just before this one may have added shares.
    const run = await this.o.runs.get(runId);
    if (!run || !run.startAt || ENDED_RUN_STATES.includes(run.state)) return { why: 'the run had ended' };
    const decision = decideTakeover({
      run,
      lost,
      idle: this.o.registry.available(),
      workerState: (id) => this.o.registry.workerState(id),
      capacity: (id) => this.o.registry.capabilitiesOf(id)?.maxConnections ?? null,
      nowMs: this.now(),
    });
    const lostId = lost.shareId;
    if (decision.kind === 'none') return { why: decision.why };
    if (decision.kind === 'idle') {
      const taker = decision.workerId;
      const sent = await this.assignTakeover(run, { shareId: taker, workerId: taker, index: lost.index, connections: lost.connections, segment: lost.segment!, reason: `took over ${lostId}'s segment at second ${second}` });
      if (!sent) return { why: 'the takeover assignment could not be delivered' };
      this.o.logger.info({ runId, lost: lostId, taker, second }, 'lost share taken over');
      return { taken: `its segment was taken over by ${taker}` };
    }
    const whole = segmentText(lost.segment!);
    const sent: string[] = [];
    for (const [i, part] of decision.parts.entries()) {
      const reason = `took ${segmentText(part.segment)} of ${lostId}'s segment ${whole} (part ${i + 1} of ${decision.parts.length}) at second ${second}`;
      if (await this.assignTakeover(run, { ...part, index: lost.index, reason })) sent.push(`${part.shareId} took ${segmentText(part.segment)}`);
    }
    this.o.logger.info(
      { runId, lost: lostId, second, parts: decision.parts.map((p) => ({ share: p.shareId, connections: p.connections, segment: segmentText(p.segment) })), uncovered: decision.uncovered && segmentText(decision.uncovered) },
      'lost share split among busy workers',
    );
    if (sent.length === 0) return { why: 'the takeover assignments could not be delivered' };
    const short = decision.uncovered ? `; ${segmentText(decision.uncovered)} went without (no room left)` : '';
    return { taken: `its segment ${whole} was split among the run's busy workers: ${sent.join(', ')}${short}` };
  }

  /** Stores a takeover share and sends its assignment; false (the share failed) when it cannot be delivered. */
  private async assignTakeover(
    run: StoredRun,
    share: { shareId: string; workerId: string; part?: number; index: number; connections: number; segment: Segment; reason: string },
  ): Promise<boolean> {
    const offset = this.o.registry.clockOffset(share.workerId) ?? null;
    await this.o.runs.addTakeover(run.id, { workerId: share.shareId, index: share.index, connections: share.connections, segment: share.segment, clockOffsetMs: offset, reason: share.reason });
    this.o.registry.markBusy(share.workerId, run.id);
    try {
      await this.o.transport.sendToWorker({
        v: PROTOCOL_VERSION,
        type: 'run.assign',
        sentAt: this.now(),
        runId: run.id,
        workerId: share.workerId,
        plan: run.plan,
        scenarios: run.load.scenarios,
        durationSeconds: run.load.durationSeconds,
        timeoutSeconds: run.load.timeoutSeconds,
        share: { index: share.index, count: run.workers.length, connections: share.connections },
        segment: share.segment,
        startAt: run.startAt!.getTime() + Math.round(offset ?? 0),
        ...(share.part === undefined ? {} : { part: share.part }),
      });
      return true;
    } catch (error) {
      this.o.logger.error({ err: error, runId: run.id, share: share.shareId }, 'cannot send the takeover assignment');
      if (share.part === undefined) this.o.registry.markIdle(share.workerId, run.id);
      await this.o.runs.setWorkerState(run.id, share.shareId, 'failed', { windowsReported: 0, reason: `takeover assignment not delivered: ${(error as Error).message}` });
      return false;
    }
  }

  /** The latest threshold outcomes of a run in progress, judged live. */
  liveThresholdOutcomes(runId: string): ThresholdOutcome[] | undefined {
    return this.liveOutcomes.get(runId);
  }

  /** Called by the live aggregator each second with the thresholds judged on all data so far. */
  onThresholds(runId: string, second: number, outcomes: ThresholdOutcome[]): void {
    this.liveOutcomes.set(runId, outcomes);
    if (this.abortReasons.has(runId)) return;
    const specs = this.specsOf(runId);
    const failed = outcomes.findIndex((o, i) => !o.ok && specs[i]?.abortOnFail && second >= (specs[i]?.abortGraceSeconds ?? 0));
    if (failed < 0) return;
    const outcome = outcomes[failed]!;
    const reason = `aborted: threshold "${outcome.expression}"${outcome.step ? ` (step ${outcome.step})` : ''} failed at second ${second} with ${outcome.display}`;
    this.o.logger.warn({ runId, threshold: outcome.expression, value: outcome.value }, 'threshold failed; aborting the run');
    void this.recordAbort(runId, reason)
      .then(() => this.o.runs.get(runId))
      .then((run) => (run ? this.stopWorkers(run, reason) : undefined))
      .catch((error: unknown) => this.o.logger.error({ err: error, runId }, 'cannot abort run'));
  }

  /**
   * The first reason to abort a run wins. It is stored as the run's error while the run is still in
   * progress, so that a master restarted before the workers' ends still ends the run failed, for that reason.
   */
  private async recordAbort(runId: string, reason: string): Promise<void> {
    if (this.abortReasons.has(runId)) return;
    this.abortReasons.set(runId, reason);
    await this.o.runs.setActiveRunError(runId, reason);
  }

  private specsOf(runId: string): StartRunBody['thresholds'] {
    return this.specs.get(runId) ?? [];
  }

  private async stopWorkers(run: StoredRun, reason: string): Promise<void> {
    const runId = run.id;
    // One stop per worker: it ends every share of the run it runs, its parts included.
    const workerIds = new Set(run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state)).map((w) => parseShareId(w.workerId).workerId));
    await Promise.all(
      [...workerIds].map((workerId) =>
        this.o.transport
          .sendToWorker({ v: PROTOCOL_VERSION, type: 'run.stop', sentAt: this.now(), runId, workerId, reason: reason.slice(0, 500) })
          .catch((error: unknown) => this.o.logger.error({ err: error, runId, workerId }, 'cannot send stop')),
      ),
    );
  }

  /** Handles one message from a worker; resolves once it is durably handled, so the transport may acknowledge it. */
  async handle(message: WorkerToMaster): Promise<void> {
    switch (message.type) {
      case 'worker.hello':
        this.o.registry.onHello(message);
        this.o.logger.info({ workerId: message.workerId, host: message.host, capabilities: message.capabilities }, 'worker said hello');
        return;
      case 'worker.heartbeat':
        this.o.registry.onHeartbeat(message);
        // A lost worker that comes back still running a share that was handed on or given up: stop it (its windows are kept).
        if (message.runId && this.lostShares.delete(`${message.runId}:${message.workerId}`)) {
          await this.o.transport
            .sendToWorker({ v: PROTOCOL_VERSION, type: 'run.stop', sentAt: this.now(), runId: message.runId, workerId: message.workerId, reason: 'this worker was declared lost; its share was handled by the run\'s onWorkerLoss policy' })
            .catch((error: unknown) => this.o.logger.error({ err: error, workerId: message.workerId }, 'cannot stop a returning worker'));
        }
        return;
      case 'run.window':
        return this.onWindow(message);
      case 'run.state':
        return this.onState(message);
    }
  }

  private async onWindow(message: RunWindow): Promise<void> {
    // A part's windows are stored and streamed under its share id, beside those of the worker's own share.
    const window = message.part === undefined ? message : { ...message, workerId: shareId(message.workerId, message.part) };
    let measured: Window;
    try {
      measured = decodeWindowBase64(window.data);
      if (measured.second !== window.second) throw new Error(`message says second ${window.second}, data says ${measured.second}`);
    } catch (error) {
      this.o.logger.warn({ runId: window.runId, workerId: window.workerId, seq: window.seq, reason: (error as Error).message }, 'rejected invalid message');
      return;
    }
    if (!this.knownRuns.has(window.runId)) {
      const runState = await this.o.runs.state(window.runId);
      if (runState === null) {
        this.o.logger.warn({ runId: window.runId, workerId: window.workerId, seq: window.seq }, 'window for an unknown run dropped');
        return;
      }
      this.knownRuns.add(window.runId);
      if (ENDED_RUN_STATES.includes(runState)) this.endedRuns.add(window.runId);
    }
    // Stored (a duplicate is ignored by storage) before the broker is told it may forget it.
    await this.windowWriter.write({ window, measured });
    if (this.endedRuns.has(window.runId)) {
      this.o.logger.debug({ runId: window.runId, workerId: window.workerId, seq: window.seq }, 'window for an ended run stored');
      this.lateWindows.stored(window.runId);
      return;
    }
    // The live stream keeps one window per worker and second, so a duplicate is ignored there too.
    this.o.live.addWindow({ ...measured, runId: window.runId, workerId: window.workerId });
  }

  private async onState(message: RunStateMessage): Promise<void> {
    const { runId, state } = message;
    const workerId = shareId(message.workerId, message.part);
    const moved = await this.o.runs.setWorkerState(runId, workerId, state, {
      ...(message.windows === undefined ? {} : { windowsReported: message.windows }),
      ...(message.reason === undefined ? {} : { reason: message.reason }),
    });
    if (!moved) {
      // A worker declared lost that came back and ended its share says how many windows it published: the run
      // waits for them as for any other's, so that what it measured before it was stopped is in the result.
      if (state !== 'started' && message.windows !== undefined && (await this.o.runs.setLostShareWindows(runId, workerId, message.windows))) {
        this.o.logger.info({ runId, workerId, state, windows: message.windows }, 'a lost worker came back and reported its windows');
        await this.tryFinalize(runId);
        return;
      }
      if (await this.o.runs.hasShare(runId, workerId)) this.o.logger.info({ runId, workerId, state }, 'state arrived after a later one; ignored');
      else this.o.logger.warn({ runId, workerId, state }, 'state for an unknown run share ignored');
      return;
    }
    this.o.logger.info({ runId, workerId, state, windows: message.windows, reason: message.reason }, 'worker run state');
    if (state === 'started') {
      if (await this.o.runs.transition(runId, ['pending'], 'running')) this.o.events.stateChanged(runId, 'running', null);
      return;
    }
    // Free for another run once no share of this one (its own, its parts) is left on it.
    if (!(await this.o.runs.hasOpenShareOfWorker(runId, message.workerId))) this.o.registry.markIdle(message.workerId, runId);
    if (state === 'left') {
      const run = await this.o.runs.get(runId);
      const share = run?.workers.find((w) => w.workerId === workerId);
      // A worker that shut down while its run was ending (stop, abort) leaves nothing to hand over.
      if (run && share && !ENDED_RUN_STATES.includes(run.state) && !this.stopRequested.has(runId) && !this.abortReasons.has(runId)) {
        return this.applyLossPolicy(run, { shareId: workerId, index: share.index, connections: share.connections, segment: share.segment }, 'left');
      }
    }
    await this.tryFinalize(runId);
  }

  /**
   * Ends the run once every worker has ended its share and every window they
   * reported is stored (or the grace for late windows has passed).
   */
  private async tryFinalize(runId: string, force?: string): Promise<void> {
    // One finalize at a time per run; a request that arrives meanwhile is run afterwards,
    // since the one in progress may have read the run before the change that prompted it.
    if (this.finalizing.has(runId)) {
      this.finalizeAgain.set(runId, this.finalizeAgain.get(runId) ?? force);
      return;
    }
    this.finalizing.add(runId);
    try {
      await this.finalizeIfDone(runId, force);
    } finally {
      this.finalizing.delete(runId);
    }
    if (this.finalizeAgain.has(runId)) {
      const again = this.finalizeAgain.get(runId);
      this.finalizeAgain.delete(runId);
      await this.tryFinalize(runId, again);
    }
  }

  private async finalizeIfDone(runId: string, force?: string): Promise<void> {
    // With a thousand workers ending at once, most calls stop here, without loading the run and its window counts.
    if (!force && (await this.o.runs.openShareCount(runId)) > 0) return;
    const run = await this.o.runs.get(runId);
    if (!run || ENDED_RUN_STATES.includes(run.state)) return;
    const open = run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state));
    if (open.length > 0 && !force) return;
    const missing = run.workers.filter((w) => w.windowsReported !== null && w.windowsStored < w.windowsReported);
    if (missing.length > 0 && !force) {
      this.scheduleFinalize(runId, missing.map((w) => w.workerId));
      return;
    }
    await this.finish(run, force);
  }

  private scheduleFinalize(runId: string, waitingFor: string[]): void {
    if (this.pendingFinalize.has(runId)) return;
    if (!this.windowDeadlines.has(runId)) {
      this.o.logger.info({ runId, waitingFor }, 'waiting for windows still in flight');
      this.windowDeadlines.set(runId, this.now() + this.o.windowGraceMs);
    }
    const deadline = this.windowDeadlines.get(runId)!;
    const poll = () => {
      this.pendingFinalize.delete(runId);
      const late = this.now() >= deadline;
      void this.tryFinalize(runId, late ? `windows still missing after ${this.o.windowGraceMs} ms from: ${waitingFor.join(', ')}` : undefined).catch(
        (error: unknown) => this.o.logger.error({ err: error, runId }, 'cannot finalize run'),
      );
    };
    this.pendingFinalize.set(runId, setTimeout(poll, 250));
  }

  private async finish(run: StoredRun, forced?: string): Promise<void> {
    const { state, reasons } = runOutcome(run.workers, {
      aborted: this.abortReasons.get(run.id),
      stopRequested: this.stopRequested.has(run.id),
      recovered: this.recovered.has(run.id),
      forced,
    });
    const merged = await this.o.runs.mergeStored(run.id);
    const summary = summarizeMerged(merged);
    // The thresholds are judged once more, on everything stored, at the end.
    const thresholdResults = thresholdOutcomes(this.thresholds.get(run.id) ?? parseThresholdSpecs(run.thresholds, run.plan), merged);
    const verdict = runVerdict(state, thresholdResults);
    const error = reasons.length > 0 ? reasons.join(' | ') : null;
    const moved = await this.o.runs.transition(run.id, ['pending', 'running'], state, { summary, error, endedAt: new Date(this.now()), thresholdResults, verdict });
    if (!moved) return;
    this.endedRuns.add(run.id);
    this.forget(run.id);
    for (const w of run.workers) this.o.registry.markIdle(parseShareId(w.workerId).workerId, run.id);
    this.o.live.endRun(run.id);
    this.o.logger.info({ runId: run.id, state, verdict, requests: summary.requests, windows: merged.windows, error }, 'run ended');
    this.o.events.stateChanged(run.id, state, error);
  }

  private forget(runId: string): void {
    this.recovered.delete(runId);
    for (const key of this.lostShares) if (key.startsWith(`${runId}:`)) this.lostShares.delete(key);
    this.stopRequested.delete(runId);
    this.windowDeadlines.delete(runId);
    this.thresholds.delete(runId);
    this.specs.delete(runId);
    this.liveOutcomes.delete(runId);
    this.abortReasons.delete(runId);
    clearTimeout(this.watchdogs.get(runId));
    this.watchdogs.delete(runId);
  }

  /**
   * A run never hangs: if workers go silent, it ends as failed some time after
   * `endMs`, its planned end plus its scenarios' gracefulStop (drainEndSeconds):
   * a share's last window comes once its iterations in progress have ended.
   */
  private armWatchdog(runId: string, endMs: number): void {
    const delay = Math.max(0, endMs + this.o.overdueMs - this.now());
    const timer = setTimeout(() => {
      this.watchdogs.delete(runId);
      void this.tryFinalize(runId, `run overdue by ${this.o.overdueMs} ms`).catch((error: unknown) =>
        this.o.logger.error({ err: error, runId }, 'cannot end overdue run'),
      );
    }, delay);
    timer.unref();
    this.watchdogs.set(runId, timer);
  }

  /**
   * After a start (a restart included): takes up the runs the database says
   * are in progress. Their windows and worker states keep coming through the
   * broker, which held them while no master was there; each run gets its
   * thresholds, live stream and watchdog back, and ends as soon as its shares
   * have. Returns the ids taken up.
   */
  async recoverActiveRuns(): Promise<string[]> {
    const ids = await this.o.runs.activeRunIds();
    for (const runId of ids) {
      const run = await this.o.runs.get(runId);
      if (!run) continue;
      const scoped = parseThresholdSpecs(run.thresholds, run.plan);
      this.thresholds.set(runId, scoped);
      this.specs.set(runId, run.thresholds);
      this.knownRuns.add(runId);
      this.recovered.add(runId);
      // An abort that was in progress when the master went away (its reason is stored while it runs).
      if (run.error) this.abortReasons.set(runId, run.error);
      const open = run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state));
      this.o.live.trackRun(runId, Math.max(1, open.length), scoped);
      for (const w of open) this.o.registry.markBusy(parseShareId(w.workerId).workerId, runId);
      const plannedEnd = (run.startAt?.getTime() ?? this.now()) + run.load.durationSeconds * 1000;
      this.armWatchdog(runId, (run.startAt?.getTime() ?? this.now()) + drainEndSeconds(run.load) * 1000);
      this.o.logger.info({ runId, state: run.state, openShares: open.map((w) => w.workerId), plannedEnd: new Date(plannedEnd) }, 'run taken up after start');
      await this.tryFinalize(runId);
    }
    return ids;
  }

  /** The runs in progress (pending or running), as stored. */
  activeRunIds(): Promise<string[]> {
    return this.o.runs.activeRunIds();
  }

  /** Refuses new runs from now on (shutdown); the runs in progress go on. */
  drain(): void {
    this.draining = true;
  }

  close(): void {
    this.lateWindows.close();
    for (const timer of [...this.watchdogs.values(), ...this.pendingFinalize.values()]) clearTimeout(timer);
    this.watchdogs.clear();
    this.pendingFinalize.clear();
  }
}

/** The load as it is run and stored, presets expanded; a load that cannot run is a 400 naming its fields. */
function runnableLoad(request: LoadRequest): RunLoad {
  try {
    return resolveLoad(request);
  } catch (error) {
    if (error instanceof LoadPlanError) throw badRequest('the load cannot be run', error.issues);
    throw error;
  }
}
