import type { ScopedThreshold } from '@loadtest/metrics';
import { summarizeMerged } from '@loadtest/metrics';
import { ENDED_RUN_STATES, parseShareId, PROTOCOL_VERSION, type RunStatus, type ThresholdOutcome, type ThresholdSpec } from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import { thresholdOutcomes } from '@loadtest/metrics';
import type { LiveAggregator } from '../live/live-aggregator.js';
import type { WorkerRegistry } from '../workers/registry.js';
import type { StoredRun } from './run-repository.js';
import type { RunStore } from './run-store.js';
import { ENDED_SHARE_STATES, runOutcome } from './run-outcome.js';
import { runVerdict, thresholdAbort } from '@loadtest/metrics';
import { parseThresholdSpecs } from './thresholds.js';

export interface RunEvents {
  stateChanged(runId: string, state: RunStatus, reason: string | null): void;
}

/** What every run's supervisor shares: the stores, the workers, the live stream, the timings. */
export interface RunContext {
  runs: RunStore;
  registry: Pick<WorkerRegistry, 'markIdle'>;
  transport: Pick<MasterTransport, 'sendToWorker'>;
  live: Pick<LiveAggregator, 'endRun'>;
  events: RunEvents;
  logger: Logger;
  now: () => number;
  /** How long to wait, after every worker ended, for windows still in flight. */
  windowGraceMs: number;
  /** A run whose workers have not all reported an end this long after its planned end is ended as failed. */
  overdueMs: number;
}

export interface RunSetup {
  /** Parsed thresholds; when absent (a run this master did not start or take up) they are parsed from the stored run at its end. */
  thresholds?: ScopedThreshold[];
  specs?: ThresholdSpec[];
  /** Taken up after a (re)start of this master: a share that never reports again was cut off by its absence. */
  recovered?: boolean;
  /** An abort that was in progress (its reason is stored while the run is active). */
  abortReason?: string;
  /**
   * Created for a message of a run this master neither started nor took up (a late share state of a run
   * that has ended, a message before the take-up): it checks the run's state whenever it finds shares still open.
   */
  adopted?: boolean;
}

/** How many of each kind of timer a supervisor holds: for tests and diagnostics. */
export interface SupervisorTimers {
  watchdog: boolean;
  pendingFinalize: boolean;
}

/**
 * One active run, from its assignment (or take-up after a restart) to its end: owns what the
 * master knows of it in memory — its thresholds and live outcomes, a stop or abort asked for,
 * workers declared lost, the grace for late windows and the watchdog — and ends it once every
 * share has ended and its windows are stored. Its end calls `onEnded`, which drops the
 * supervisor: nothing of the run stays in memory after its end.
 */
export class RunSupervisor {
  private stopRequested = false;
  private abortReason: string | undefined;
  private recovered: boolean;
  /** Workers whose share was lost: if one comes back still running the run, it is told to stop. */
  private readonly lostWorkers = new Set<string>();
  private liveOutcomes: ThresholdOutcome[] | undefined;
  private finalizing = false;
  /** Another finalize asked for while one was in progress, with its forcing reason if any. */
  private finalizeAgain: { force: string | undefined } | undefined;
  /** When the grace for late windows runs out, once the run waits for them. */
  private windowDeadline: number | undefined;
  private pendingFinalize: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** Set once the run has ended (or the master closes): no timer is armed any more. */
  private disposed = false;

  constructor(
    readonly runId: string,
    private readonly ctx: RunContext,
    private setup: RunSetup,
    private readonly onEnded: (supervisor: RunSupervisor, stored: 'ended' | 'unknown') => void,
  ) {
    this.recovered = setup.recovered ?? false;
    this.abortReason = setup.abortReason;
  }

  /**
   * Takes the run up with what is stored of it (after a restart), keeping what this supervisor
   * already knows: a message of the run may have come before the take-up.
   */
  takeUp(setup: RunSetup): void {
    if (!this.setup.thresholds) this.setup = setup;
    if (setup.recovered) this.recovered = true;
    this.abortReason ??= setup.abortReason;
  }

  get stopping(): boolean {
    return this.stopRequested || this.abortReason !== undefined;
  }

  /** The latest threshold outcomes, judged live. */
  get thresholdOutcomes(): ThresholdOutcome[] | undefined {
    return this.liveOutcomes;
  }

  timers(): SupervisorTimers {
    return { watchdog: this.watchdog !== undefined, pendingFinalize: this.pendingFinalize !== undefined };
  }

  /** Asks the run's workers to stop, through the API. */
  async stop(run: StoredRun): Promise<void> {
    this.stopRequested = true;
    await this.stopWorkers(run, 'stopped through the API');
    this.ctx.logger.info({ runId: this.runId }, 'stop requested');
    await this.finalize();
  }

  /** Aborts the run: the first reason wins, is stored at once (a restarted master ends it failed for it), and the workers are stopped. */
  async abort(run: StoredRun, reason: string): Promise<void> {
    await this.recordAbort(reason);
    await this.stopWorkers(run, reason);
  }

  /** A worker of the run was declared lost. */
  workerLost(workerId: string): void {
    this.lostWorkers.add(workerId);
  }

  /** Whether a worker heard from again was declared lost with a share of this run (once: it is told to stop once). */
  takeReturningWorker(workerId: string): boolean {
    return this.lostWorkers.delete(workerId);
  }

  /** The thresholds judged live on all data so far: a failed `abortOnFail` one past its grace aborts the run. */
  onThresholds(second: number, outcomes: ThresholdOutcome[]): void {
    this.liveOutcomes = outcomes;
    if (this.abortReason !== undefined) return;
    const abort = thresholdAbort(this.setup.specs ?? [], outcomes, second);
    if (!abort) return;
    const { outcome, reason } = abort;
    this.ctx.logger.warn({ runId: this.runId, threshold: outcome.expression, value: outcome.value }, 'threshold failed; aborting the run');
    void this.recordAbort(reason)
      .then(() => this.ctx.runs.get(this.runId))
      .then((run) => (run ? this.stopWorkers(run, reason) : undefined))
      .catch((error: unknown) => this.ctx.logger.error({ err: error, runId: this.runId }, 'cannot abort run'));
  }

  /**
   * A run never hangs: if workers go silent, it ends as failed some time after
   * `endMs`, its planned end plus its scenarios' gracefulStop (drainEndSeconds):
   * a share's last window comes once its iterations in progress have ended.
   */
  armWatchdog(endMs: number): void {
    if (this.disposed) return;
    clearTimeout(this.watchdog);
    const delay = Math.max(0, endMs + this.ctx.overdueMs - this.ctx.now());
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      void this.finalize(`run overdue by ${this.ctx.overdueMs} ms`).catch((error: unknown) =>
        this.ctx.logger.error({ err: error, runId: this.runId }, 'cannot end overdue run'),
      );
    }, delay);
    this.watchdog.unref();
  }

  /**
   * Ends the run once every worker has ended its share and every window they
   * reported is stored (or the grace for late windows has passed, or `force` says why not to wait).
   */
  async finalize(force?: string): Promise<void> {
    // One finalize at a time; a request that arrives meanwhile is run afterwards,
    // since the one in progress may have read the run before the change that prompted it.
    if (this.finalizing) {
      this.finalizeAgain = { force: this.finalizeAgain?.force ?? force };
      return;
    }
    this.finalizing = true;
    try {
      await this.finalizeIfDone(force);
    } finally {
      this.finalizing = false;
    }
    const again = this.finalizeAgain;
    if (again) {
      this.finalizeAgain = undefined;
      await this.finalize(again.force);
    }
  }

  /** Clears the run's timers (its end, the master's shutdown). */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.watchdog);
    clearTimeout(this.pendingFinalize);
    this.watchdog = undefined;
    this.pendingFinalize = undefined;
  }

  private async recordAbort(reason: string): Promise<void> {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    await this.ctx.runs.setActiveRunError(this.runId, reason);
  }

  private async stopWorkers(run: StoredRun, reason: string): Promise<void> {
    const runId = run.id;
    // One stop per worker: it ends every share of the run it runs, its parts included.
    const workerIds = new Set(run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state)).map((w) => parseShareId(w.workerId).workerId));
    await Promise.all(
      [...workerIds].map((workerId) =>
        this.ctx.transport
          .sendToWorker({ v: PROTOCOL_VERSION, type: 'run.stop', sentAt: this.ctx.now(), runId, workerId, reason: reason.slice(0, 500) })
          .catch((error: unknown) => this.ctx.logger.error({ err: error, runId, workerId }, 'cannot send stop')),
      ),
    );
  }

  private async finalizeIfDone(force?: string): Promise<void> {
    // With a thousand workers ending at once, most calls stop here, without loading the run and its window counts.
    if (!force && (await this.ctx.runs.openShareCount(this.runId)) > 0) {
      // An adopted run may have ended with shares open (its watchdog, on a master before this one): let it go.
      if (this.setup.adopted) await this.dropIfEnded();
      return;
    }
    const run = await this.ctx.runs.get(this.runId);
    if (!run || ENDED_RUN_STATES.includes(run.state)) {
      // Ended elsewhere, or never stored: nothing is left to supervise.
      this.onEnded(this, run ? 'ended' : 'unknown');
      return;
    }
    const open = run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state));
    if (open.length > 0 && !force) return;
    const missing = run.workers.filter((w) => w.windowsReported !== null && w.windowsStored < w.windowsReported);
    if (missing.length > 0 && !force) {
      this.scheduleFinalize(missing.map((w) => w.workerId));
      return;
    }
    await this.finish(run, force);
  }

  private async dropIfEnded(): Promise<void> {
    const state = await this.ctx.runs.state(this.runId);
    if (state === null || ENDED_RUN_STATES.includes(state)) this.onEnded(this, state === null ? 'unknown' : 'ended');
  }

  private scheduleFinalize(waitingFor: string[]): void {
    if (this.pendingFinalize || this.disposed) return;
    if (this.windowDeadline === undefined) {
      this.ctx.logger.info({ runId: this.runId, waitingFor }, 'waiting for windows still in flight');
      this.windowDeadline = this.ctx.now() + this.ctx.windowGraceMs;
    }
    const deadline = this.windowDeadline;
    this.pendingFinalize = setTimeout(() => {
      this.pendingFinalize = undefined;
      const late = this.ctx.now() >= deadline;
      void this.finalize(late ? `windows still missing after ${this.ctx.windowGraceMs} ms from: ${waitingFor.join(', ')}` : undefined).catch((error: unknown) =>
        this.ctx.logger.error({ err: error, runId: this.runId }, 'cannot finalize run'),
      );
    }, 250);
  }

  private async finish(run: StoredRun, forced?: string): Promise<void> {
    const { state, reasons } = runOutcome(run.workers, { aborted: this.abortReason, stopRequested: this.stopRequested, recovered: this.recovered, forced });
    const merged = await this.ctx.runs.mergeStored(run.id);
    const summary = summarizeMerged(merged);
    // The thresholds are judged once more, on everything stored, at the end.
    const thresholdResults = thresholdOutcomes(this.setup.thresholds ?? parseThresholdSpecs(run.thresholds, run.plan), merged);
    const verdict = runVerdict(state, thresholdResults);
    const error = reasons.length > 0 ? reasons.join(' | ') : null;
    const moved = await this.ctx.runs.transition(run.id, ['pending', 'running'], state, {
      summary,
      error,
      endedAt: new Date(this.ctx.now()),
      thresholdResults,
      verdict,
    });
    if (!moved) return;
    this.onEnded(this, 'ended');
    for (const w of run.workers) this.ctx.registry.markIdle(parseShareId(w.workerId).workerId, run.id);
    this.ctx.live.endRun(run.id);
    this.ctx.logger.info({ runId: run.id, state, verdict, requests: summary.requests, windows: merged.windows, error }, 'run ended');
    this.ctx.events.stateChanged(run.id, state, error);
  }
}
