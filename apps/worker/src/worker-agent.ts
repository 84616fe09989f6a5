import { PROTOCOL_VERSION, type MasterToWorker, type RunAssign, type WorkerCapabilities, type WorkerRunState } from '@loadtest/protocol';
import type { WorkerTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import { shareRunner, type ShareRunner } from './load/share-runner.js';
import { EnginePool } from './load/threads/engine-pool.js';

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

  constructor(
    private readonly identity: WorkerIdentity,
    private readonly transport: WorkerTransport,
    private readonly logger: Logger,
    options: WorkerAgentOptions = {},
  ) {
    this.threads = options.threads ?? 1;
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
    this.heartbeat = setInterval(() => this.sendHeartbeat(), HEARTBEAT_INTERVAL_MS);
    this.logger.info({ workerId: this.identity.workerId, threads: this.threads }, 'worker ready');
  }

  /** Sent once started, and on every reconnection of the transport after that. */
  sayHello(): void {
    if (!this.ready) return;
    const { workerId, host, version, capabilities } = this.identity;
    // The cores it offers are the engine threads it runs shares on.
    this.send({ v: PROTOCOL_VERSION, type: 'worker.hello', sentAt: Date.now(), workerId, host, version, capabilities: { ...capabilities, cores: this.threads } });
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.current?.stop();
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

  private async onMessage(message: MasterToWorker): Promise<void> {
    if (message.workerId !== this.identity.workerId) {
      this.logger.warn({ to: message.workerId, type: message.type }, 'ignored a message addressed to another worker');
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
        publishWindow: (window) => this.transport.sendToMaster(window),
        onStarted: () => void this.reportState(runId, 'started', {}),
      },
      this.threads,
      this.engines,
    );
    this.current = share;
    this.logger.info({ runId, connections: assignment.share.connections, threads, durationSeconds: assignment.durationSeconds, startAt: assignment.startAt }, 'run assigned');
    this.currentRun = share.run().then(async (outcome) => {
      this.current = undefined;
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
