import { drainEndSeconds } from '@loadtest/execution';
import {
  ENDED_RUN_STATES,
  parseShareId,
  PROTOCOL_VERSION,
  shareId,
  type RunStateMessage,
  type StartRunBody,
  type ThresholdOutcome,
  type WorkerToMaster,
  type FieldIssue,
  type Role,
} from '@loadtest/protocol';
import { UndeliveredAssignment, type MasterTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import type { AuditActor } from '../audit/audit-record.js';
import { runStartDetails } from './run-audit.js';
import type { LiveAggregator } from '../live/live-aggregator.js';
import { planOf, type PlanRepository } from '../plans/plan-repository.js';
import type { WorkerRegistry } from '../workers/registry.js';
import { RunAdmission, type AdmittedRun } from './admission.js';
import type { RunCapsFor } from './run-caps.js';
import { ENDED_SHARE_STATES } from './run-outcome.js';
import { InvalidRunRequest, RunConflict, RunNotFound } from './run-errors.js';
import { describeTargetIssues } from '../targets/target-check.js';
import type { StoredRun } from './run-repository.js';
import type { RunStore } from './run-store.js';
import { RunSupervisor, type RunContext, type RunEvents, type RunSetup } from './run-supervisor.js';
import { parseThresholdSpecs } from './thresholds.js';
import { WindowIngest } from './window-ingest.js';
import { WorkerLossPolicy } from './worker-loss-policy.js';

export type { RunEvents } from './run-supervisor.js';

export interface OrchestratorOptions {
  runs: RunStore;
  plans: Pick<PlanRepository, 'get'>;
  registry: WorkerRegistry;
  transport: MasterTransport;
  live: LiveAggregator;
  events: RunEvents;
  logger: Logger;
  /** Time between assigning a run and its common start instant, so that every worker receives its share first. */
  startLeadMs: number;
  /** Added to the lead per assigned worker: assigning a thousand workers takes a while. */
  startLeadPerWorkerMs?: number;
  /** The caps of a run's peak load and duration; none when absent. */
  capsFor?: RunCapsFor;
  /** How long to wait, after every worker ended, for windows still in flight. */
  windowGraceMs: number;
  /** A run whose workers have not all reported an end this long after its planned end is ended as failed. */
  overdueMs: number;
  /** How long after a window for an ended run its recorded result is re-merged (one re-merge per burst). */
  lateWindowDelayMs?: number;
  /** How many recently ended run ids are remembered, so that their late windows cost no look-up. */
  recentlyEndedRuns?: number;
  now?: () => number;
  /**
   * The target check at a run's start (every target host resolved, every address checked against the allowlist):
   * the issues, empty when every target is allowed. None: no check (unit tests of the orchestrator alone).
   */
  checkTargets?: (plan: { baseUrl: unknown; steps: unknown }) => Promise<FieldIssue[]>;
}

/** What the orchestrator holds in memory: one supervisor per active run, and bounded ingest state. */
export interface OrchestratorFootprint {
  activeRuns: number;
  runTimers: number;
  recentlyEndedRuns: number;
  lateRemerges: number;
}

/**
 * Plans runs and follows them to their end: admits a run (RunAdmission), gives each live worker
 * an execution segment and its share of the load on its own queue, and hands the run to its
 * supervisor (RunSupervisor), which owns it until it ends and is dropped. Routes each worker
 * message: hello and heartbeat to the registry, windows to the ingest (WindowIngest), share
 * states and worker losses (WorkerLossPolicy) to the run's supervisor.
 */
export class RunOrchestrator {
  private readonly now: () => number;
  private readonly supervisors = new Map<string, RunSupervisor>();
  private readonly context: RunContext;
  private readonly admission: RunAdmission;
  private readonly ingest: WindowIngest;
  private readonly lossPolicy: WorkerLossPolicy;
  /** The losses being handled, in order (see onWorkerLost). */
  private losses: Promise<void> = Promise.resolve();
  /**
   * Per run, its one attempt to move from `pending` to `running`, which every share's `started` waits for: with one
   * attempt per share, a 5000-worker run's start cost 5000 statements more, and the master fell behind its queue.
   */
  private readonly leavingPending = new Map<string, Promise<void>>();

  constructor(private readonly o: OrchestratorOptions) {
    this.now = o.now ?? Date.now;
    this.context = {
      runs: o.runs,
      registry: o.registry,
      transport: o.transport,
      live: o.live,
      events: o.events,
      logger: o.logger,
      now: this.now,
      windowGraceMs: o.windowGraceMs,
      overdueMs: o.overdueMs,
    };
    this.admission = new RunAdmission({
      plans: o.plans,
      registry: o.registry,
      startLeadMs: o.startLeadMs,
      startLeadPerWorkerMs: o.startLeadPerWorkerMs ?? 0,
      ...(o.capsFor ? { capsFor: o.capsFor } : {}),
      now: this.now,
    });
    this.ingest = new WindowIngest({
      runs: o.runs,
      live: o.live,
      logger: o.logger,
      isActive: (runId) => this.supervisors.has(runId),
      ...(o.lateWindowDelayMs === undefined ? {} : { lateWindowDelayMs: o.lateWindowDelayMs }),
      ...(o.recentlyEndedRuns === undefined ? {} : { recentlyEndedRuns: o.recentlyEndedRuns }),
    });
    this.lossPolicy = new WorkerLossPolicy({ runs: o.runs, registry: o.registry, transport: o.transport, live: o.live, logger: o.logger, now: this.now });
  }

  /** `by`: who starts it (the audit log's line, written with the run; the caps of that role). */
  async startRun(planId: string, body: StartRunBody, by?: { actor: AuditActor; role: Role }): Promise<StoredRun> {
    // Before the admission, which sets the start instant: resolving the targets takes time of its own.
    const stored = this.o.checkTargets ? await this.o.plans.get(planId) : undefined;
    if (stored && this.o.checkTargets) {
      const issues = await this.o.checkTargets(planOf(stored));
      if (issues.length > 0) throw new InvalidRunRequest(describeTargetIssues(issues), issues);
    }
    const admitted = await this.admission.admit(planId, body, by?.role);
    const { plan, load, startAt, workers } = admitted;
    const audit = by ? { ...by.actor, action: 'run.started' as const, details: runStartDetails(planId, plan, load, workers.length) } : undefined;
    const runId = await this.o.runs.create({ planId, plan, load, thresholds: admitted.thresholdSpecs, startAt, workers }, audit);
    const supervisor = this.supervise(runId, { thresholds: admitted.thresholds, specs: admitted.thresholdSpecs });
    this.o.live.trackRun(runId, workers.length, admitted.thresholds, startAt.getTime());
    this.o.logger.info({ runId, planId, workers: workers.map((w) => w.workerId), shares: workers.map((w) => w.connections), startAt }, 'run assigned');
    await this.assignAll(runId, admitted);
    supervisor.armWatchdog(startAt.getTime() + drainEndSeconds(load) * 1000);
    await supervisor.finalize();
    return (await this.o.runs.get(runId))!;
  }

  async stopRun(runId: string): Promise<StoredRun> {
    const run = await this.o.runs.get(runId);
    if (!run) throw new RunNotFound(runId);
    if (ENDED_RUN_STATES.includes(run.state)) throw new RunConflict(runId, `run ${runId} has already ended (${run.state})`);
    await this.supervisorOf(runId).stop(run);
    return (await this.o.runs.get(runId))!;
  }

  /**
   * A worker was declared lost (silent past WORKER_LOST_AFTER_MS): each run it had a share of applies its `onWorkerLoss` policy.
   * Losses are handled one after the other: one sweep can declare thousands of workers lost at once (a master that fell
   * far behind its queue), and handling them side by side read the whole run once per loss at the same time, which
   * took a master at 5000 workers past its heap (bench-results/issue-17/ingest-5000-master-oom.txt).
   */
  onWorkerLost(workerId: string): Promise<void> {
    const handled = this.losses.then(() => this.applyLoss(workerId));
    this.losses = handled.catch(() => undefined);
    return handled;
  }

  private async applyLoss(workerId: string): Promise<void> {
    // Its own shares and the parts of lost shares it ran, each handled as a share of its own.
    for (const share of await this.o.runs.openSharesOf(workerId)) {
      const run = await this.o.runs.get(share.runId);
      if (!run || ENDED_RUN_STATES.includes(run.state)) continue;
      const supervisor = this.supervisorOf(run.id);
      supervisor.workerLost(workerId);
      await this.lossPolicy.apply(run, share, 'lost', supervisor);
    }
  }

  /** The latest threshold outcomes of a run in progress, judged live. */
  liveThresholdOutcomes(runId: string): ThresholdOutcome[] | undefined {
    return this.supervisors.get(runId)?.thresholdOutcomes;
  }

  /** Called by the live aggregator each second with the thresholds judged on all data so far. */
  onThresholds(runId: string, second: number, outcomes: ThresholdOutcome[]): void {
    this.supervisors.get(runId)?.onThresholds(second, outcomes);
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
        if (message.runId) await this.stopIfReturning(message.workerId, message.runId);
        return;
      case 'run.window':
        // While its windows flow, a worker sends no heartbeat: each window stands for one.
        this.o.registry.onWindow(message.workerId, message.sentAt);
        await this.stopIfReturning(message.workerId, message.runId);
        return this.ingest.ingest(message);
      case 'run.state':
        return this.onState(message);
    }
  }

  /** A lost worker that comes back still running a share that was handed on or given up: stop it (its windows are kept). */
  private async stopIfReturning(workerId: string, runId: string): Promise<void> {
    if (!this.supervisors.get(runId)?.takeReturningWorker(workerId)) return;
    await this.o.transport
      .sendToWorker({
        v: PROTOCOL_VERSION,
        type: 'run.stop',
        sentAt: this.now(),
        runId,
        workerId,
        reason: "this worker was declared lost; its share was handled by the run's onWorkerLoss policy",
      })
      .catch((error: unknown) => this.o.logger.error({ err: error, workerId }, 'cannot stop a returning worker'));
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
      const thresholds = parseThresholdSpecs(run.thresholds, run.plan);
      // An abort that was in progress when the master went away (its reason is stored while it runs).
      const supervisor = this.supervise(runId, { thresholds, specs: run.thresholds, recovered: true, ...(run.error ? { abortReason: run.error } : {}) });
      const open = run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state));
      this.o.live.trackRun(runId, Math.max(1, open.length), thresholds, run.startAt?.getTime());
      for (const w of open) this.o.registry.markBusy(parseShareId(w.workerId).workerId, runId);
      const plannedEnd = (run.startAt?.getTime() ?? this.now()) + run.load.durationSeconds * 1000;
      supervisor.armWatchdog((run.startAt?.getTime() ?? this.now()) + drainEndSeconds(run.load) * 1000);
      this.o.logger.info({ runId, state: run.state, openShares: open.map((w) => w.workerId), plannedEnd: new Date(plannedEnd) }, 'run taken up after start');
      await supervisor.finalize();
    }
    return ids;
  }

  /** The runs in progress (pending or running), as stored. */
  activeRunIds(): Promise<string[]> {
    return this.o.runs.activeRunIds();
  }

  /** Refuses new runs from now on (shutdown); the runs in progress go on. */
  drain(): void {
    this.admission.drain();
  }

  /** What is held in memory now: after every run has ended, no supervisor, no timer, and a bounded list of ended ids. */
  footprint(): OrchestratorFootprint {
    let runTimers = 0;
    for (const supervisor of this.supervisors.values()) {
      const timers = supervisor.timers();
      runTimers += Number(timers.watchdog) + Number(timers.pendingFinalize);
    }
    return { activeRuns: this.supervisors.size, runTimers, ...this.ingest.footprint() };
  }

  close(): void {
    this.ingest.close();
    for (const supervisor of this.supervisors.values()) supervisor.dispose();
    this.supervisors.clear();
  }

  /**
   * One message for all the run's workers (the whole segment table; each takes its own entry): a thousand workers
   * are assigned by one publish. A share whose worker it did not reach fails, naming why.
   */
  private async assignAll(runId: string, admitted: AdmittedRun): Promise<void> {
    for (const share of admitted.workers) this.o.registry.markBusy(share.workerId, runId);
    try {
      await this.o.transport.assignAll({
        v: PROTOCOL_VERSION,
        type: 'run.assign-all',
        sentAt: this.now(),
        runId,
        plan: admitted.plan,
        scenarios: admitted.load.scenarios,
        durationSeconds: admitted.load.durationSeconds,
        timeoutSeconds: admitted.load.timeoutSeconds,
        startAt: admitted.startAt.getTime(),
        shares: admitted.workers.map((share) => ({
          workerId: share.workerId,
          share: { index: share.index, count: admitted.workers.length, connections: share.connections },
          segment: share.segment,
          clockOffsetMs: Math.round(share.clockOffsetMs ?? 0),
        })),
      });
    } catch (error) {
      const missed = error instanceof UndeliveredAssignment ? error.workerIds : admitted.workers.map((share) => share.workerId);
      this.o.logger.error({ err: error, runId, workers: missed }, 'cannot send assignment');
      for (const workerId of missed) {
        this.o.registry.markIdle(workerId, runId);
        await this.o.runs.setWorkerState(runId, workerId, 'failed', { windowsReported: 0, reason: `assignment not delivered: ${(error as Error).message}` });
      }
    }
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
        await this.supervisorOf(runId).finalize();
        return;
      }
      if (await this.o.runs.hasShare(runId, workerId)) this.o.logger.info({ runId, workerId, state }, 'state arrived after a later one; ignored');
      else this.o.logger.warn({ runId, workerId, state }, 'state for an unknown run share ignored');
      return;
    }
    this.o.logger.info({ runId, workerId, state, windows: message.windows, reason: message.reason }, 'worker run state');
    if (state === 'started') return this.leavePending(runId);
    // Free for another run once no share of this one (its own, its parts) is left on it.
    if (!(await this.o.runs.hasOpenShareOfWorker(runId, message.workerId))) this.o.registry.markIdle(message.workerId, runId);
    const supervisor = this.supervisorOf(runId);
    if (state === 'left') {
      const run = await this.o.runs.get(runId);
      const share = run?.workers.find((w) => w.workerId === workerId);
      // A worker that shut down while its run was ending (stop, abort) leaves nothing to hand over.
      if (run && share && !ENDED_RUN_STATES.includes(run.state) && !supervisor.stopping) {
        return this.lossPolicy.apply(
          run,
          { shareId: workerId, index: share.index, connections: share.connections, segment: share.segment },
          'left',
          supervisor,
        );
      }
    }
    await supervisor.finalize();
  }

  private leavePending(runId: string): Promise<void> {
    let leaving = this.leavingPending.get(runId);
    if (!leaving) {
      leaving = this.o.runs.transition(runId, ['pending'], 'running').then(
        (moved) => {
          if (moved) this.o.events.stateChanged(runId, 'running', null);
        },
        (error: unknown) => {
          // Tried again by the next `started` (this one is redelivered).
          this.leavingPending.delete(runId);
          throw error;
        },
      );
      this.leavingPending.set(runId, leaving);
    }
    return leaving;
  }

  private supervise(runId: string, setup: RunSetup): RunSupervisor {
    const existing = this.supervisors.get(runId);
    if (existing) {
      existing.takeUp(setup);
      return existing;
    }
    const supervisor = new RunSupervisor(runId, this.context, setup, (ended, stored) => this.dropSupervisor(ended, stored));
    this.supervisors.set(runId, supervisor);
    return supervisor;
  }

  /**
   * The run's supervisor; a run in progress that this master neither started nor took up (e.g. a
   * message that arrives before the take-up after a restart) gets one that reads its thresholds
   * from the stored run at its end. It is dropped as soon as it finds the run ended or unknown.
   */
  private supervisorOf(runId: string): RunSupervisor {
    return this.supervisors.get(runId) ?? this.supervise(runId, { adopted: true });
  }

  private dropSupervisor(supervisor: RunSupervisor, stored: 'ended' | 'unknown'): void {
    if (stored === 'ended') this.ingest.runEnded(supervisor.runId);
    this.leavingPending.delete(supervisor.runId);
    if (this.supervisors.get(supervisor.runId) === supervisor) this.supervisors.delete(supervisor.runId);
    supervisor.dispose();
  }
}
