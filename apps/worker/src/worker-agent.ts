import {
  assignmentOf,
  HEARTBEAT_AFTER_WINDOW_MS,
  HEARTBEAT_INTERVAL_MS,
  PROTOCOL_VERSION,
  type MasterToWorker,
  type RunAssign,
  type RunWindow,
  type TrialAssign,
  type TrialTrace,
  type WorkerCapabilities,
  type WorkerRunState,
} from '@loadtest/protocol';
import type { WorkerTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import { shareRunner, type ShareRunner } from '@loadtest/engine';
import { EnginePool } from '@loadtest/engine';
import { TrialRun } from './trial/trial-run.js';
import { DEFAULT_TOLERANCE, type WorkerTolerance } from './tolerance.js';

export interface WorkerIdentity {
  workerId: string;
  host: string;
  version: string;
  capabilities: WorkerCapabilities;
}

export interface WorkerAgentOptions {
  /**
   * Engine threads (one load generator per thread) a share may run on; a share
   * uses fewer when its scenarios cannot give each thread a connection. 1 (the
   * default) runs every share in the agent's own thread. Said in the hello as
   * `capabilities.cores`.
   */
  threads?: number;
  /** How long it rides out a silent master, and how many unconfirmed windows it holds; DEFAULT_TOLERANCE if not given. */
  tolerance?: Partial<WorkerTolerance>;
  /** Told of each window as it is published (the worker's metrics). */
  onWindowPublished?(window: RunWindow): void;
}

/** Why the agent itself ended a share early, and how it reports it. */
interface EarlyEnd {
  state: Extract<WorkerRunState, 'left' | 'interrupted' | 'failed'>;
  reason: string;
}

/** A share this agent runs: its own share of a run, or a part of a lost worker's segment given to it. */
interface RunningShare {
  runId: string;
  part: number | undefined;
  runner: ShareRunner;
  /** Settled once the share has ended and its state was reported. */
  done: Promise<void>;
  earlyEnd: EarlyEnd | undefined;
}

/**
 * A worker: says hello, heartbeats every second (its windows stand for them while it runs), and runs the shares it is
 * assigned, one run at a time. Within that run it may be given parts of a lost
 * worker's segment (onWorkerLoss: rebalance); it runs them beside its own share.
 */
export class WorkerAgent {
  private heartbeat: NodeJS.Timeout | undefined;
  private masterCheck: NodeJS.Timeout | undefined;
  private lastHeartbeatAt = 0;
  /** When the last window was published: while they flow, they stand for the heartbeats. */
  private lastWindowAt = Number.NEGATIVE_INFINITY;
  /** The shares running, by `runId#part` (part 0: its own share). All belong to the same run. */
  private readonly running = new Map<string, RunningShare>();
  /** Shares already taken (`runId#part`), so that a redelivered assignment is not run twice. */
  private readonly seenShares = new Set<string>();
  private readonly threads: number;
  /** The engine threads, loaded when the agent starts so that a run does not wait for them; none with one thread. */
  private readonly engines: EnginePool | undefined;
  /** Set once the engine threads are loaded and the agent listens: only then does it say hello. */
  private ready = false;
  private readonly tolerance: WorkerTolerance;
  private readonly onWindowPublished: ((window: RunWindow) => void) | undefined;
  /** When the master was last heard from (any message), on this worker's clock. */
  private lastHeardFromMaster = Date.now();
  /** The master instance heard last: a new one is told hello (it restarted and forgot this worker's capacity). */
  private masterId: string | undefined;
  /** Windows of the running shares published and not yet confirmed by the transport. */
  private unconfirmedWindows = 0;
  /** Trials in progress (each one iteration of one VU), by id: a redelivered trial.assign is not run twice. */
  private readonly trials = new Map<string, { run: TrialRun; done: Promise<void> }>();

  constructor(
    private readonly identity: WorkerIdentity,
    private readonly transport: WorkerTransport,
    private readonly logger: Logger,
    options: WorkerAgentOptions = {},
  ) {
    this.threads = options.threads ?? 1;
    this.tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
    this.onWindowPublished = options.onWindowPublished;
    if (!Number.isInteger(this.threads) || this.threads < 1) throw new RangeError(`threads must be a whole number ≥ 1, got ${options.threads}`);
    if (this.threads > 1) this.engines = new EnginePool(logger.child({ component: 'engines' }));
  }

  async start(): Promise<void> {
    // The master counts a worker from its first hello or heartbeat on and gives it a run within its start lead
    // (1 s by default); an engine thread takes over a second to load through tsx on a busy machine. So the
    // threads load first: a share that began late would run short of its first second. A failure to start
    // them is logged; a run that needs them then fails saying why.
    await this.engines?.warm(this.threads).catch((error: unknown) => this.logger.error({ err: error }, 'cannot start the engine threads'));
    await this.transport.listen(this.identity.workerId, (message) => this.onMessage(message));
    this.ready = true;
    this.sayHello();
    this.lastHeartbeatAt = Date.now();
    this.armHeartbeat();
    this.masterCheck = setInterval(() => this.checkMaster(), HEARTBEAT_INTERVAL_MS);
    this.logger.info({ workerId: this.identity.workerId, threads: this.threads, ...this.tolerance }, 'worker ready');
  }

  /** Sent once started, then on every reconnection of the transport and to every new master instance heard. */
  sayHello(): void {
    if (!this.ready) return;
    const { workerId, host, version, capabilities } = this.identity;
    // The cores it offers are the engine threads it runs shares on.
    this.send({
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt: Date.now(),
      workerId,
      host,
      version,
      capabilities: { ...capabilities, cores: this.threads },
    });
  }

  /**
   * Stops the agent. With `leaving` (a SIGTERM), a share in progress publishes
   * its partial window and ends `left`, so that the master applies the run's
   * worker-loss policy at once instead of waiting to declare the worker lost.
   */
  async stop(leaving?: string): Promise<void> {
    this.ready = false;
    clearTimeout(this.heartbeat);
    clearInterval(this.masterCheck);
    this.endAllEarly({ state: 'left', reason: leaving ?? 'the worker shut down' });
    await Promise.all([...this.running.values()].map((share) => share.done));
    // A trial is ended at once, its trace sent with what it did so far.
    for (const trial of this.trials.values()) trial.run.stop(leaving ?? 'the worker shut down');
    await Promise.all([...this.trials.values()].map((trial) => trial.done));
    await this.engines?.close();
    await this.transport.close();
  }

  /** The next heartbeat is due a second after the last one, and not before HEARTBEAT_AFTER_WINDOW_MS after the last window. */
  private armHeartbeat(): void {
    const due = () => Math.max(this.lastHeartbeatAt + HEARTBEAT_INTERVAL_MS, this.lastWindowAt + HEARTBEAT_AFTER_WINDOW_MS);
    this.heartbeat = setTimeout(
      () => {
        if (!this.ready) return;
        if (Date.now() >= due()) this.sendHeartbeat();
        this.armHeartbeat();
      },
      Math.max(0, due() - Date.now()),
    );
  }

  private sendHeartbeat(): void {
    this.lastHeartbeatAt = Date.now();
    this.send({
      v: PROTOCOL_VERSION,
      type: 'worker.heartbeat',
      sentAt: Date.now(),
      workerId: this.identity.workerId,
      activity: this.running.size > 0 ? 'busy' : 'idle',
      runId: this.running.values().next().value?.runId ?? null,
    });
  }

  private send(message: Parameters<WorkerTransport['sendToMaster']>[0]): void {
    this.transport.sendToMaster(message).catch((error: unknown) => this.logger.warn({ err: error, type: message.type }, 'send to master failed'));
  }

  /** Ends every running share early, once each: it stops generating and reports `end` (unless it had ended by itself). */
  private endAllEarly(end: EarlyEnd): void {
    for (const share of this.running.values()) {
      if (share.earlyEnd) continue;
      share.earlyEnd = end;
      this.logger.warn({ runId: share.runId, part: share.part, ...end }, 'ending the share early');
      share.runner.stop();
    }
  }

  /** A share stops when the master has been silent past the grace period: nothing it measures could be stored. */
  private checkMaster(): void {
    const silentMs = Date.now() - this.lastHeardFromMaster;
    if (this.running.size > 0 && silentMs > this.tolerance.masterGraceMs) {
      this.endAllEarly({
        state: 'interrupted',
        reason: `no word from the master for ${Math.round(silentMs / 1000)} s (grace ${this.tolerance.masterGraceMs} ms)`,
      });
    }
  }

  /** Publishes a window; past the buffer bound (the broker is away), the share stops generating, every window kept. */
  private publishWindow(window: RunWindow): Promise<void> {
    this.unconfirmedWindows += 1;
    if (this.unconfirmedWindows >= this.tolerance.maxBufferedWindows) {
      this.endAllEarly({
        state: 'failed',
        reason: `${this.unconfirmedWindows} windows not confirmed by the broker (WORKER_WINDOW_BUFFER ${this.tolerance.maxBufferedWindows}); stopped generating, the windows are kept and sent when it is back`,
      });
    }
    this.lastWindowAt = Date.now();
    this.onWindowPublished?.(window);
    return this.transport.sendToMaster(window).finally(() => (this.unconfirmedWindows -= 1));
  }

  /** Windows published and not yet confirmed by the broker. */
  get windowsUnconfirmed(): number {
    return this.unconfirmedWindows;
  }

  /** Shares (and parts) running now. */
  get activeShares(): number {
    return this.running.size;
  }

  private async onMessage(received: MasterToWorker): Promise<void> {
    let message: Exclude<MasterToWorker, { type: 'run.assign-all' }>;
    if (received.type === 'run.assign-all') {
      // A run's assignment to all its workers: this worker's own entry, or nothing for it.
      const own = assignmentOf(received, this.identity.workerId);
      if (!own) {
        this.logger.debug({ runId: received.runId }, 'a run without a share for this worker; ignored');
        return;
      }
      message = own;
    } else message = received;
    if (message.type !== 'master.heartbeat' && message.workerId !== this.identity.workerId) {
      this.logger.warn({ to: message.workerId, type: message.type }, 'ignored a message addressed to another worker');
      return;
    }
    this.lastHeardFromMaster = Date.now();
    if (message.type === 'master.heartbeat') {
      if (message.masterId !== this.masterId) {
        if (this.masterId !== undefined) this.logger.info({ masterId: message.masterId }, 'a new master instance; saying hello');
        this.masterId = message.masterId;
        this.sayHello();
      }
      return;
    }
    if (message.type === 'trial.assign') {
      this.onTrial(message);
      return;
    }
    const ofRun = [...this.running.values()].filter((share) => share.runId === message.runId);
    if (message.type === 'run.assign') this.onAssign(message);
    else if (ofRun.length > 0) {
      // Every share of the run here, its parts included.
      this.logger.info({ runId: message.runId, reason: message.reason, shares: ofRun.length }, 'stopping run');
      for (const share of ofRun) share.runner.stop();
    } else {
      this.logger.info({ runId: message.runId }, 'stop for a run that is not running here; ignored');
    }
  }

  private onAssign(assignment: RunAssign): void {
    const { runId, part } = assignment;
    const key = `${runId}#${part ?? 0}`;
    if (this.seenShares.has(key)) {
      this.logger.info({ runId, part }, 'duplicate assignment ignored');
      return;
    }
    this.seenShares.add(key);
    const other = [...this.running.values()].find((share) => share.runId !== runId);
    if (other) {
      void this.reportState(runId, part, 'failed', { windows: 0, reason: `worker ${this.identity.workerId} is busy with run ${other.runId}` });
      return;
    }
    // A part that reaches it after the run's planned end (the master hands none on in the last second; a slow
    // broker may still deliver one late) has nothing left to run: it ends at once, not as a failure of the run.
    if (part !== undefined && Date.now() >= assignment.startAt + assignment.durationSeconds * 1000) {
      this.logger.info({ runId, part }, 'part arrived after the planned end; nothing to run');
      // No reason: the master keeps the part's own (which lost share it is a part of).
      void this.reportState(runId, part, 'finished', { windows: 0 });
      return;
    }
    // A part given beside a share in progress runs in this thread: engine threads take a second or more to
    // start, and the part is to restore the planned load at once.
    const threadsFor = part !== undefined && this.running.size > 0 ? 1 : this.threads;
    const { runner, threads } = shareRunner(
      assignment,
      {
        logger: this.logger.child({ runId, ...(part === undefined ? {} : { part }) }),
        publishWindow: (window) => this.publishWindow(part === undefined ? window : { ...window, part }),
        onStarted: () => void this.reportState(runId, part, 'started', {}),
      },
      threadsFor,
      this.engines,
    );
    const share: RunningShare = { runId, part, runner, done: Promise.resolve(), earlyEnd: undefined };
    this.running.set(key, share);
    // A share begins with the master just heard (it sent the assignment); its grace counts from here.
    this.lastHeardFromMaster = Date.now();
    this.logger.info(
      { runId, part, connections: assignment.share.connections, threads, durationSeconds: assignment.durationSeconds, startAt: assignment.startAt },
      'run assigned',
    );
    share.done = runner.run().then(async (ran) => {
      this.running.delete(key);
      // A share this agent stopped early reports why; one that ended by itself meanwhile reports that.
      const early = share.earlyEnd;
      const outcome = early && ran.state === 'stopped' ? { state: early.state, windows: ran.windows, reason: early.reason } : ran;
      this.logger.info({ runId, part, ...outcome }, 'run share ended');
      await this.reportState(runId, part, outcome.state, outcome);
    });
  }

  /**
   * Runs a trial's one iteration, beside nothing: a worker running a share refuses it (the master only picks idle
   * workers; this covers a run assigned meanwhile). A trial does not make the worker busy: it is one VU for a few
   * seconds, and a run assigned during it runs beside it.
   */
  private onTrial(trial: TrialAssign): void {
    const { trialId } = trial;
    if (this.trials.has(trialId)) {
      this.logger.info({ trialId }, 'duplicate trial ignored');
      return;
    }
    const busyWith = this.running.values().next().value?.runId;
    if (busyWith !== undefined) {
      const failure = `worker ${this.identity.workerId} is busy with run ${busyWith}`;
      void this.reportTrial(trialId, { events: [], eventsTruncated: false, failure, durationMs: 0 });
      return;
    }
    const logger = this.logger.child({ trialId });
    logger.info({ steps: trial.plan.steps.length, iterationSeconds: trial.iterationSeconds }, 'trial assigned');
    const run = new TrialRun(trial, logger);
    const done = run
      .run()
      .then((trace) => {
        logger.info({ events: trace.events.length, failure: trace.failure, durationMs: Math.round(trace.durationMs) }, 'trial ran');
        return this.reportTrial(trialId, trace);
      })
      .finally(() => this.trials.delete(trialId));
    this.trials.set(trialId, { run, done });
  }

  private async reportTrial(trialId: string, trace: TrialTrace): Promise<void> {
    try {
      await this.transport.sendToMaster({ v: PROTOCOL_VERSION, type: 'trial.result', sentAt: Date.now(), trialId, workerId: this.identity.workerId, trace });
    } catch (error) {
      this.logger.error({ err: error, trialId }, 'cannot report the trial');
    }
  }

  private async reportState(runId: string, part: number | undefined, state: WorkerRunState, extra: { windows?: number; reason?: string }): Promise<void> {
    try {
      await this.transport.sendToMaster({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId,
        workerId: this.identity.workerId,
        state,
        ...(extra.windows === undefined ? {} : { windows: extra.windows }),
        ...(extra.reason === undefined ? {} : { reason: extra.reason.slice(0, 2000) }),
        ...(part === undefined ? {} : { part }),
      });
    } catch (error) {
      this.logger.error({ err: error, runId, state }, 'cannot report run state');
    }
  }
}
