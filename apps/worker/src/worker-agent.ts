import { PROTOCOL_VERSION, type MasterToWorker, type RunAssign, type RunWindow, type WorkerCapabilities, type WorkerRunState } from '@loadtest/protocol';
import type { WorkerTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import { shareRunner, type ShareRunner } from './load/share-runner.js';
import { EnginePool } from './load/threads/engine-pool.js';
import { DEFAULT_TOLERANCE, type WorkerTolerance } from './tolerance.js';

export interface WorkerIdentity {
  workerId: string;
  host: string;
  version: string;
  capabilities: WorkerCapabilities;
}

const HEARTBEAT_INTERVAL_MS = 1000;

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
}

/** Why the agent itself ended the current share early, and how it reports it. */
interface EarlyEnd {
  state: Extract<WorkerRunState, 'left' | 'interrupted' | 'failed'>;
  reason: string;
}

/**
 * A worker: says hello, heartbeats every second, and runs the shares it is
 * assigned, one run at a time.
 */
export class WorkerAgent {
  private heartbeat: NodeJS.Timeout | undefined;
  private current: ShareRunner | undefined;
  private currentRun: Promise<void> | undefined;
  /** Runs already taken, so that a redelivered assignment is not run twice. */
  private readonly seenRuns = new Set<string>();
  private readonly threads: number;
  /** The engine threads, loaded when the agent starts so that a run does not wait for them; none with one thread. */
  private readonly engines: EnginePool | undefined;
  /** Set once the engine threads are loaded and the agent listens: only then does it say hello. */
  private ready = false;
  private readonly tolerance: WorkerTolerance;
  /** When the master was last heard from (any message), on this worker's clock. */
  private lastHeardFromMaster = Date.now();
  /** The master instance heard last: a new one is told hello (it restarted and forgot this worker's capacity). */
  private masterId: string | undefined;
  /** Windows of the current share published and not yet confirmed by the transport. */
  private unconfirmedWindows = 0;
  private earlyEnd: EarlyEnd | undefined;

  constructor(
    private readonly identity: WorkerIdentity,
    private readonly transport: WorkerTransport,
    private readonly logger: Logger,
    options: WorkerAgentOptions = {},
  ) {
    this.threads = options.threads ?? 1;
    this.tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
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
    this.heartbeat = setInterval(() => {
      this.sendHeartbeat();
      this.checkMaster();
    }, HEARTBEAT_INTERVAL_MS);
    this.logger.info({ workerId: this.identity.workerId, threads: this.threads, ...this.tolerance }, 'worker ready');
  }

  /** Sent once started, then on every reconnection of the transport and to every new master instance heard. */
  sayHello(): void {
    if (!this.ready) return;
    const { workerId, host, version, capabilities } = this.identity;
    // The cores it offers are the engine threads it runs shares on.
    this.send({ v: PROTOCOL_VERSION, type: 'worker.hello', sentAt: Date.now(), workerId, host, version, capabilities: { ...capabilities, cores: this.threads } });
  }

  /**
   * Stops the agent. With `leaving` (a SIGTERM), a share in progress publishes
   * its partial window and ends `left`, so that the master applies the run's
   * worker-loss policy at once instead of waiting to declare the worker lost.
   */
  async stop(leaving?: string): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.current) this.endEarly({ state: 'left', reason: leaving ?? 'the worker shut down' });
    await this.currentRun;
    await this.engines?.close();
    await this.transport.close();
  }

  private sendHeartbeat(): void {
    this.send({
      v: PROTOCOL_VERSION,
      type: 'worker.heartbeat',
      sentAt: Date.now(),
      workerId: this.identity.workerId,
      activity: this.current ? 'busy' : 'idle',
      runId: this.current?.assignment.runId ?? null,
    });
  }

  private send(message: Parameters<WorkerTransport['sendToMaster']>[0]): void {
    this.transport.sendToMaster(message).catch((error: unknown) => this.logger.warn({ err: error, type: message.type }, 'send to master failed'));
  }

  /** Ends the current share early, once: it stops generating and reports `end` (unless it had ended by itself). */
  private endEarly(end: EarlyEnd): void {
    if (!this.current || this.earlyEnd) return;
    this.earlyEnd = end;
    this.logger.warn({ runId: this.current.assignment.runId, ...end }, 'ending the share early');
    this.current.stop();
  }

  /** A share stops when the master has been silent past the grace period: nothing it measures could be stored. */
  private checkMaster(): void {
    const silentMs = Date.now() - this.lastHeardFromMaster;
    if (this.current && silentMs > this.tolerance.masterGraceMs) {
      this.endEarly({ state: 'interrupted', reason: `no word from the master for ${Math.round(silentMs / 1000)} s (grace ${this.tolerance.masterGraceMs} ms)` });
    }
  }

  /** Publishes a window; past the buffer bound (the broker is away), the share stops generating, every window kept. */
  private publishWindow(window: RunWindow): Promise<void> {
    this.unconfirmedWindows += 1;
    if (this.unconfirmedWindows >= this.tolerance.maxBufferedWindows) {
      this.endEarly({
        state: 'failed',
        reason: `${this.unconfirmedWindows} windows not confirmed by the broker (WORKER_WINDOW_BUFFER ${this.tolerance.maxBufferedWindows}); stopped generating, the windows are kept and sent when it is back`,
      });
    }
    return this.transport.sendToMaster(window).finally(() => (this.unconfirmedWindows -= 1));
  }

  private async onMessage(message: MasterToWorker): Promise<void> {
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
    if (message.type === 'run.assign') this.onAssign(message);
    else if (this.current?.assignment.runId === message.runId) {
      this.logger.info({ runId: message.runId, reason: message.reason }, 'stopping run');
      this.current.stop();
    } else {
      this.logger.info({ runId: message.runId }, 'stop for a run that is not running here; ignored');
    }
  }

  private onAssign(assignment: RunAssign): void {
    const { runId } = assignment;
    if (this.seenRuns.has(runId)) {
      this.logger.info({ runId }, 'duplicate assignment ignored');
      return;
    }
    this.seenRuns.add(runId);
    if (this.current) {
      void this.reportState(runId, 'failed', { windows: 0, reason: `worker ${this.identity.workerId} is busy with run ${this.current.assignment.runId}` });
      return;
    }
    const { runner: share, threads } = shareRunner(
      assignment,
      {
        logger: this.logger.child({ runId }),
        publishWindow: (window) => this.publishWindow(window),
        onStarted: () => void this.reportState(runId, 'started', {}),
      },
      this.threads,
      this.engines,
    );
    this.current = share;
    this.earlyEnd = undefined;
    // A share begins with the master just heard (it sent the assignment); its grace counts from here.
    this.lastHeardFromMaster = Date.now();
    this.logger.info({ runId, connections: assignment.share.connections, threads, durationSeconds: assignment.durationSeconds, startAt: assignment.startAt }, 'run assigned');
    this.currentRun = share.run().then(async (ran) => {
      this.current = undefined;
      // A share this agent stopped early reports why; one that ended by itself meanwhile reports that.
      const early = this.earlyEnd;
      const outcome = early && ran.state === 'stopped' ? { state: early.state, windows: ran.windows, reason: early.reason } : ran;
      this.logger.info({ runId, ...outcome }, 'run share ended');
      await this.reportState(runId, outcome.state, outcome);
    });
  }

  private async reportState(runId: string, state: WorkerRunState, extra: { windows?: number; reason?: string }): Promise<void> {
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
      });
    } catch (error) {
      this.logger.error({ err: error, runId, state }, 'cannot report run state');
    }
  }
}
