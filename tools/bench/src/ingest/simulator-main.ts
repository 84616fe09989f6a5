/**
 * A simulator process: many simulated workers over one AMQP connection and one
 * confirm channel. Each worker has its own queue (declared exactly as the real
 * worker declares it), says hello, heartbeats every second, and on `run.assign`
 * reports `started`, publishes one `run.window` per second at the run's whole
 * seconds and reports `finished`. Started by the benchmark with Node IPC; it
 * tells the benchmark when each second's windows went out.
 */
import {
  assignmentOf,
  parseMasterToWorker,
  PROTOCOL_VERSION,
  type MasterToWorker,
  type RunAssign,
  type WorkerRunState,
  type WorkerToMaster,
} from '@loadtest/protocol';
import { brokerNames, type BrokerNames } from '@loadtest/transport';
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { once } from 'node:events';
import { hostname } from 'node:os';
import pino from 'pino';
import { SIMULATOR_CONFIG_ENV, type ParentToSimulator, type RunDone, type SimulatorConfig, type SimulatorToParent } from './ipc.js';
import { defaultProfile, WindowPool } from './window-gen.js';

/**
 * Must stay equal to WORKER_QUEUE_OPTIONS in libs/transport/src/amqp/topology.ts
 * (not exported by the library): the broker refuses to redeclare a queue with
 * other arguments, and the master declares each worker's queue too.
 */
const WORKER_QUEUE_OPTIONS: Options.AssertQueue = { durable: true, arguments: { 'x-expires': 3_600_000 } };
/** As libs/transport: heartbeats are not persistent and expire after 10 s. */
const HEARTBEAT_EXPIRATION_MS = 10_000;
const HEARTBEAT_SLOTS = 10;
const DRAIN_TIMEOUT_MS = 10_000;
const CONFIRM_TIMEOUT_MS = 30_000;

interface Member {
  index: number;
  started: boolean;
  /** Next window to publish; seq and second are the same for a simulated worker. */
  nextSeq: number;
}

interface ConfirmTracker {
  outstanding: number;
  complete: boolean;
  publishedAt: number;
  confirmedAt: number;
}

interface SimRun {
  runId: string;
  startAt: number;
  durationSeconds: number;
  members: Map<string, Member>;
  ended: boolean;
  windows: number;
  requests: number;
  nacks: number;
  trackers: ConfirmTracker[];
  latestAssignmentLagMs: number;
  firstAssignmentAt: number;
  lastAssignmentAt: number;
  maxPublishLagMs: number;
}

const config = readConfig();
const logger = pino({ name: `bench-simulator-${config.index}`, level: config.logLevel }, pino.destination(2));

function readConfig(): SimulatorConfig {
  const raw = process.env[SIMULATOR_CONFIG_ENV];
  if (!raw) throw new Error(`${SIMULATOR_CONFIG_ENV} is not set: this process is started by the ingest benchmark`);
  return JSON.parse(raw) as SimulatorConfig;
}

function tell(message: SimulatorToParent): void {
  process.send?.(message);
}

function sleepUntil(epochMs: number): Promise<void> {
  const delay = epochMs - Date.now();
  return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
}

class Simulator {
  private readonly names: BrokerNames;
  private readonly pool: WindowPool;
  private readonly indexOf = new Map<string, number>();
  private readonly runs = new Map<string, SimRun>();
  /** The run each worker is busy with, for its heartbeats. */
  private readonly busyWith = new Map<string, string>();
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatTick = 0;
  private needDrain = false;
  stopping = false;

  constructor(private readonly c: SimulatorConfig) {
    this.names = brokerNames(c.namespace);
    this.pool = new WindowPool(defaultProfile(c.rps), c.poolSize, c.seed);
    c.workerIds.forEach((id, i) => this.indexOf.set(id, i));
  }

  async start(): Promise<void> {
    const began = Date.now();
    this.connection = await connect(this.c.amqpUrl, { clientProperties: { connection_name: `bench-simulator-${this.c.index}` } });
    this.connection.on('error', (error: Error) => logger.error({ err: error }, 'broker connection error'));
    this.connection.on('close', () => {
      if (!this.stopping) fatal('broker connection closed');
    });
    const channel = await this.connection.createConfirmChannel();
    this.channel = channel;
    channel.on('error', (error: Error) => logger.error({ err: error }, 'channel error'));
    channel.on('close', () => {
      if (!this.stopping) fatal('broker channel closed');
    });
    channel.on('drain', () => {
      this.needDrain = false;
    });
    await channel.assertExchange(this.names.exchange, 'topic', { durable: true });
    await channel.prefetch(16);
    for (const workerId of this.c.workerIds) {
      const queue = this.names.workerQueue(workerId);
      await channel.assertQueue(queue, WORKER_QUEUE_OPTIONS);
      await channel.bindQueue(queue, this.names.exchange, this.names.workerRoutingKey(workerId));
      await channel.consume(queue, (msg) => this.onMessage(msg), { noAck: false });
    }
    // A run's assignment comes once for all (run.assign-all on the broadcast key): one queue for the whole process
    // gets one copy, where a real worker's queue has the binding itself.
    const broadcasts = `${this.names.exchange}.bench-simulator.${this.c.index}`;
    await channel.assertQueue(broadcasts, { exclusive: true, autoDelete: true });
    await channel.bindQueue(broadcasts, this.names.exchange, this.names.broadcastBindingKey);
    await channel.consume(broadcasts, (msg) => this.onMessage(msg), { noAck: false });
    for (const workerId of this.c.workerIds) {
      this.publish({
        v: PROTOCOL_VERSION,
        type: 'worker.hello',
        sentAt: Date.now(),
        workerId,
        host: hostname(),
        version: 'bench-simulator',
        capabilities: { cores: 1, memoryBytes: 1_073_741_824, maxConnections: 10_000 },
      });
    }
    await this.drain();
    // Heartbeats spread over the second, as independent workers' timers would be.
    this.heartbeatTimer = setInterval(() => this.heartbeats(), 1000 / HEARTBEAT_SLOTS);
    this.heartbeats();
    tell({ type: 'ready', workers: this.c.workerIds.length, setupMs: Date.now() - began });
  }

  private heartbeats(): void {
    const slot = this.heartbeatTick++ % HEARTBEAT_SLOTS;
    for (let i = slot; i < this.c.workerIds.length; i += HEARTBEAT_SLOTS) {
      const workerId = this.c.workerIds[i]!;
      const runId = this.busyWith.get(workerId) ?? null;
      this.publish({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: runId ? 'busy' : 'idle', runId });
    }
  }

  private publish(message: WorkerToMaster, onConfirm?: (error: unknown) => void): number {
    const body = Buffer.from(JSON.stringify(message));
    const heartbeat = message.type === 'worker.heartbeat';
    const ok = this.channel!.publish(
      this.names.exchange,
      this.names.masterRoutingKey(message),
      body,
      {
        persistent: !heartbeat,
        contentType: 'application/json',
        type: message.type,
        ...(heartbeat ? { expiration: String(HEARTBEAT_EXPIRATION_MS) } : {}),
      },
      (error: unknown) => onConfirm?.(error),
    );
    if (!ok) this.needDrain = true;
    return body.byteLength;
  }

  /** Waits (bounded) for the connection's write buffer to empty when the last publish said it was full. */
  private async drain(): Promise<void> {
    if (!this.needDrain || !this.channel) return;
    await Promise.race([once(this.channel, 'drain'), new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
    this.needDrain = false;
  }

  private onMessage(msg: ConsumeMessage | null): void {
    if (!msg || !this.channel) return;
    this.channel.ack(msg);
    const parsed = parseMasterToWorker(msg.content);
    if (!parsed.ok) {
      logger.warn({ reason: parsed.reason }, 'invalid message from the master');
      return;
    }
    this.handle(parsed.value);
  }

  private handle(message: MasterToWorker): void {
    // Simulated workers run their shares to the end whatever the master does: its heartbeats mean nothing to them.
    if (message.type === 'master.heartbeat') return;
    if (message.type === 'run.stop') {
      logger.warn({ runId: message.runId, workerId: message.workerId }, 'run.stop received; the benchmark never stops a run');
      return;
    }
    if (message.type === 'trial.assign') {
      logger.warn({ trialId: message.trialId, workerId: message.workerId }, 'trial.assign received; simulated workers run no trials');
      return;
    }
    if (message.type === 'run.assign-all') {
      for (const workerId of this.indexOf.keys()) {
        const own = assignmentOf(message, workerId);
        if (own) this.onAssign(own);
      }
      return;
    }
    this.onAssign(message);
  }

  private onAssign(assign: RunAssign): void {
    const index = this.indexOf.get(assign.workerId);
    if (index === undefined) {
      logger.warn({ workerId: assign.workerId }, 'assignment for a worker this process does not simulate');
      return;
    }
    let run = this.runs.get(assign.runId);
    const fresh = !run;
    if (!run) {
      run = {
        runId: assign.runId,
        startAt: assign.startAt,
        durationSeconds: assign.durationSeconds,
        members: new Map(),
        ended: false,
        windows: 0,
        requests: 0,
        nacks: 0,
        trackers: [],
        latestAssignmentLagMs: -Infinity,
        firstAssignmentAt: Date.now(),
        lastAssignmentAt: Date.now(),
        maxPublishLagMs: 0,
      };
      this.runs.set(assign.runId, run);
    }
    if (run.members.has(assign.workerId)) return; // redelivered
    run.members.set(assign.workerId, { index, started: false, nextSeq: 0 });
    run.latestAssignmentLagMs = Math.max(run.latestAssignmentLagMs, Date.now() - assign.startAt);
    run.lastAssignmentAt = Date.now();
    this.busyWith.set(assign.workerId, assign.runId);
    if (fresh) {
      const current = run;
      void this.runLoop(current).catch((error: unknown) => fatal(`run loop failed: ${(error as Error).message}`));
    } else if (run.ended) {
      // Assigned after the run's last second: publish everything at once (never seen in practice).
      this.catchUp(run, run.members.get(assign.workerId)!, assign.workerId, run.durationSeconds - 1, undefined);
      this.finish(run, assign.workerId);
      this.reportDone(run);
    }
  }

  private publishState(run: SimRun, workerId: string, state: WorkerRunState, windows?: number): void {
    this.publish(
      { v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.runId, workerId, state, ...(windows === undefined ? {} : { windows }) },
      (error) => {
        if (error) run.nacks += 1;
      },
    );
  }

  /** Publishes a member's windows up to and including `second`; returns [windows, requests, encodedBytes, messageBytes]. */
  private catchUp(run: SimRun, member: Member, workerId: string, second: number, tracker: ConfirmTracker | undefined): [number, number, number, number] {
    let windows = 0;
    let requests = 0;
    let encoded = 0;
    let messageBytes = 0;
    if (!member.started) {
      this.publishState(run, workerId, 'started');
      member.started = true;
    }
    while (member.nextSeq <= second) {
      const seq = member.nextSeq;
      const w = this.pool.windowFor(member.index, seq);
      if (tracker) tracker.outstanding += 1;
      messageBytes += this.publish(
        { v: PROTOCOL_VERSION, type: 'run.window', sentAt: Date.now(), runId: run.runId, workerId, seq, second: seq, data: w.data },
        (error) => {
          if (error) run.nacks += 1;
          if (tracker) {
            tracker.outstanding -= 1;
            if (tracker.complete && tracker.outstanding === 0) tracker.confirmedAt = Date.now();
          }
        },
      );
      member.nextSeq += 1;
      windows += 1;
      requests += w.requests;
      encoded += w.encodedBytes;
    }
    run.windows += windows;
    run.requests += requests;
    return [windows, requests, encoded, messageBytes];
  }

  private finish(run: SimRun, workerId: string): void {
    const member = run.members.get(workerId)!;
    this.publishState(run, workerId, 'finished', member.nextSeq);
    this.busyWith.delete(workerId);
  }

  private async runLoop(run: SimRun): Promise<void> {
    this.pool.forSecond(0);
    await sleepUntil(run.startAt);
    for (const [workerId, member] of run.members) {
      if (!member.started) {
        this.publishState(run, workerId, 'started');
        member.started = true;
      }
    }
    for (let second = 0; second < run.durationSeconds && !this.stopping; second++) {
      const dueAt = run.startAt + (second + 1) * 1000;
      this.pool.forSecond(second);
      await sleepUntil(dueAt);
      const tracker: ConfirmTracker = { outstanding: 0, complete: false, publishedAt: 0, confirmedAt: 0 };
      let windows = 0;
      let requests = 0;
      let encodedBytes = 0;
      let messageBytes = 0;
      for (const [workerId, member] of run.members) {
        const [w, r, e, m] = this.catchUp(run, member, workerId, second, tracker);
        windows += w;
        requests += r;
        encodedBytes += e;
        messageBytes += m;
      }
      const publishedAt = Date.now();
      tracker.complete = true;
      tracker.publishedAt = publishedAt;
      if (tracker.outstanding === 0) tracker.confirmedAt = publishedAt;
      run.trackers.push(tracker);
      run.maxPublishLagMs = Math.max(run.maxPublishLagMs, publishedAt - dueAt);
      tell({ type: 'second', runId: run.runId, second, publishedAt, dueAt, windows, requests, encodedBytes, messageBytes });
      await this.drain();
      if (second + 1 < run.durationSeconds) this.pool.forSecond(second + 1);
    }
    for (const workerId of run.members.keys()) this.finish(run, workerId);
    run.ended = true;
    await Promise.race([this.channel!.waitForConfirms(), new Promise((resolve) => setTimeout(resolve, CONFIRM_TIMEOUT_MS).unref())]).catch((error: unknown) =>
      logger.warn({ err: error }, 'waiting for confirms failed'),
    );
    this.reportDone(run);
  }

  /** Tells the benchmark what this process published for the run (again, if a late assignment added to it). */
  private reportDone(run: SimRun): void {
    const done: RunDone = {
      type: 'run-done',
      process: this.c.index,
      runId: run.runId,
      workers: run.members.size,
      windows: run.windows,
      requests: run.requests,
      nacks: run.nacks,
      confirmLagMs: run.trackers.map((t) => (t.confirmedAt > 0 ? t.confirmedAt - t.publishedAt : -1)),
      latestAssignmentLagMs: run.latestAssignmentLagMs,
      firstAssignmentAt: run.firstAssignmentAt,
      lastAssignmentAt: run.lastAssignmentAt,
      maxPublishLagMs: run.maxPublishLagMs,
    };
    tell(done);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    const closing = (async () => {
      await this.channel?.close().catch(() => undefined);
      await this.connection?.close().catch(() => undefined);
    })();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}

const simulator = new Simulator(config);

function fatal(message: string): void {
  logger.error({ message }, 'simulator failed');
  tell({ type: 'fatal', message });
  simulator.stopping = true;
  setTimeout(() => process.exit(1), 100).unref();
}

function shutdown(code: number): void {
  void simulator.stop().then(() => process.exit(code));
}

process.on('message', (message: ParentToSimulator) => {
  if (message.type === 'stop') shutdown(0);
});
// The benchmark went away: never outlive it.
process.on('disconnect', () => shutdown(0));
process.once('SIGTERM', () => shutdown(0));
process.once('SIGINT', () => shutdown(0));

simulator.start().catch((error: unknown) => fatal(`cannot start: ${(error as Error).message}`));
