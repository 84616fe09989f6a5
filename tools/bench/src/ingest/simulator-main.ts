/**
 * A simulator process: many simulated workers (a thousand or more) over one
 * AMQP connection and one confirm channel, driven by ONE timer for the whole
 * process — no timer or interval per worker, so that the simulators stay light
 * on the cores they share with the master. Each worker has its own queue
 * (declared exactly as the real worker declares it), says hello and heartbeats
 * every second (all of the process's workers in one flow-controlled loop; as the
 * real worker, none for a worker whose windows stand for them); the
 * run's assignment comes once for all (`run.assign-all`) and each worker takes
 * its own entry (`assignmentOf`); at the start instant each reports `started`,
 * at each whole second of the run the process publishes every worker's
 * pre-encoded window of that second in one tight loop, and at the end each
 * reports `finished`. Started by the benchmark with Node IPC; it tells the
 * benchmark when the assignments arrived and when each second's windows went out.
 */
import {
  assignmentOf,
  HEARTBEAT_AFTER_WINDOW_MS,
  HEARTBEAT_EXPIRATION_MS,
  HEARTBEAT_INTERVAL_MS,
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
import { lastDueSecond, nextWake } from './run-clock.js';
import { defaultProfile, WindowPool } from './window-gen.js';

/**
 * Must stay equal to WORKER_QUEUE_OPTIONS in libs/transport/src/amqp/topology.ts
 * (not exported by the library): the broker refuses to redeclare a queue with
 * other arguments, and the master declares each worker's queue too.
 */
const WORKER_QUEUE_OPTIONS: Options.AssertQueue = { durable: true, arguments: { 'x-expires': 3_600_000 } };
/** Queue declarations in flight at once while setting up (each is three round trips to the broker). */
const SETUP_CONCURRENCY = 50;
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
  /** Next second whose windows are due (every worker's windows before it are out). */
  nextSecond: number;
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

/** What one report of a second adds up. */
interface SecondTally {
  windows: number;
  requests: number;
  encodedBytes: number;
  messageBytes: number;
}

class Simulator {
  private readonly names: BrokerNames;
  private readonly pool: WindowPool;
  private readonly indexOf = new Map<string, number>();
  private readonly runs = new Map<string, SimRun>();
  /** The run each worker is busy with, for its heartbeats. */
  private readonly busyWith = new Map<string, string>();
  /** When each worker last published a window: as the real worker, it sends no heartbeat while they flow. */
  private readonly lastWindowAt = new Map<string, number>();
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  /** The process's only timer: set for the next thing due (a run's start, a second's windows, the heartbeats). */
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private nextHeartbeatAt = 0;
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
    await channel.assertExchange(this.names.exchange, 'topic', { durable: true });
    await channel.prefetch(16);
    for (let from = 0; from < this.c.workerIds.length; from += SETUP_CONCURRENCY) {
      await Promise.all(this.c.workerIds.slice(from, from + SETUP_CONCURRENCY).map((workerId) => this.declareWorkerQueue(channel, workerId)));
    }
    // A run's assignment comes once for all (run.assign-all on the broadcast key): one queue for the whole process
    // gets one copy, where a real worker's queue has the binding itself.
    const broadcasts = `${this.names.exchange}.bench-simulator.${this.c.index}`;
    await channel.assertQueue(broadcasts, { exclusive: true, autoDelete: true });
    await channel.bindQueue(broadcasts, this.names.exchange, this.names.broadcastBindingKey);
    await channel.consume(broadcasts, (msg) => this.onMessage(msg), { noAck: false });
    for (const workerId of this.c.workerIds) {
      const sent = this.publish({
        v: PROTOCOL_VERSION,
        type: 'worker.hello',
        sentAt: Date.now(),
        workerId,
        host: hostname(),
        version: 'bench-simulator',
        capabilities: { cores: 1, memoryBytes: 1_073_741_824, maxConnections: 10_000 },
      });
      if (sent.full) await this.drain();
    }
    this.nextHeartbeatAt = Date.now();
    this.schedule();
    tell({ type: 'ready', workers: this.c.workerIds.length, setupMs: Date.now() - began });
  }

  private async declareWorkerQueue(channel: ConfirmChannel, workerId: string): Promise<void> {
    const queue = this.names.workerQueue(workerId);
    await channel.assertQueue(queue, WORKER_QUEUE_OPTIONS);
    await channel.bindQueue(queue, this.names.exchange, this.names.workerRoutingKey(workerId));
    await channel.consume(queue, (msg) => this.onMessage(msg), { noAck: false });
  }

  /** Sets the one timer for whatever is due next. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopping) return;
    let next = this.nextHeartbeatAt;
    for (const run of this.runs.values()) {
      if (run.ended) continue;
      const wake = nextWake(Date.now(), run);
      if (wake !== null) next = Math.min(next, wake);
    }
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
  }

  /** Everything due now: the runs' windows first (they are what is measured), then the heartbeats. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      for (const run of this.runs.values()) if (!run.ended) await this.advance(run);
      if (Date.now() >= this.nextHeartbeatAt) {
        await this.heartbeats();
        // A tick that came late does not send the missed beats in a burst.
        this.nextHeartbeatAt = Math.max(this.nextHeartbeatAt + HEARTBEAT_INTERVAL_MS, Date.now() + HEARTBEAT_INTERVAL_MS / 2);
      }
    } catch (error) {
      fatal(`tick failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private async heartbeats(): Promise<void> {
    const now = Date.now();
    for (const workerId of this.c.workerIds) {
      if (now - (this.lastWindowAt.get(workerId) ?? Number.NEGATIVE_INFINITY) < HEARTBEAT_AFTER_WINDOW_MS) continue;
      const runId = this.busyWith.get(workerId) ?? null;
      const sent = this.publish({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: runId ? 'busy' : 'idle', runId });
      if (sent.full) await this.drain();
    }
  }

  /** Hands a message to the connection; `full` says the write buffer is full and the caller should drain before the next. */
  private publish(message: WorkerToMaster, onConfirm?: (error: unknown) => void): { bytes: number; full: boolean } {
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
    return { bytes: body.byteLength, full: !ok };
  }

  /** Waits (bounded) for the connection's write buffer to empty. */
  private async drain(): Promise<void> {
    if (!this.channel) return;
    await Promise.race([once(this.channel, 'drain'), new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
  }

  private onMessage(msg: ConsumeMessage | null): void {
    if (!msg || !this.channel) return;
    // An assignment reached the worker when it was delivered, before this process's own parsing of it.
    const receivedAt = Date.now();
    this.channel.ack(msg);
    const parsed = parseMasterToWorker(msg.content);
    if (!parsed.ok) {
      logger.warn({ reason: parsed.reason }, 'invalid message from the master');
      return;
    }
    this.handle(parsed.value, receivedAt);
  }

  private handle(message: MasterToWorker, receivedAt: number): void {
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
      let run: SimRun | undefined;
      for (const workerId of this.indexOf.keys()) {
        const own = assignmentOf(message, workerId);
        if (own) run = this.onAssign(own, receivedAt);
      }
      if (run) this.reportAssigned(run);
      return;
    }
    const run = this.onAssign(message, receivedAt);
    if (run) this.reportAssigned(run);
  }

  private reportAssigned(run: SimRun): void {
    tell({
      type: 'assigned',
      process: this.c.index,
      runId: run.runId,
      workers: run.members.size,
      firstAt: run.firstAssignmentAt,
      lastAt: run.lastAssignmentAt,
    });
    this.schedule();
  }

  private onAssign(assign: RunAssign, receivedAt: number): SimRun | undefined {
    const index = this.indexOf.get(assign.workerId);
    if (index === undefined) {
      logger.warn({ workerId: assign.workerId }, 'assignment for a worker this process does not simulate');
      return undefined;
    }
    const now = receivedAt;
    let run = this.runs.get(assign.runId);
    if (!run) {
      run = {
        runId: assign.runId,
        startAt: assign.startAt,
        durationSeconds: assign.durationSeconds,
        members: new Map(),
        nextSecond: 0,
        ended: false,
        windows: 0,
        requests: 0,
        nacks: 0,
        trackers: [],
        latestAssignmentLagMs: -Infinity,
        firstAssignmentAt: now,
        lastAssignmentAt: now,
        maxPublishLagMs: 0,
      };
      this.runs.set(assign.runId, run);
      // Measured now, well before the first window is due, so that the due moment only publishes.
      this.pool.forSecond(0);
    }
    if (run.members.has(assign.workerId)) return run; // redelivered
    run.members.set(assign.workerId, { index, started: false, nextSeq: 0 });
    run.latestAssignmentLagMs = Math.max(run.latestAssignmentLagMs, now - assign.startAt);
    run.lastAssignmentAt = now;
    this.busyWith.set(assign.workerId, assign.runId);
    if (run.ended) {
      // Assigned after the run's last second: publish everything at once (never seen in practice).
      const member = run.members.get(assign.workerId)!;
      const tallies = new Map<number, SecondTally>();
      this.publishStarted(run, assign.workerId, member);
      this.publishMemberWindows(run, assign.workerId, member, run.durationSeconds - 1, undefined, tallies);
      this.tellSeconds(run, tallies, Date.now());
      this.finish(run, assign.workerId);
      this.reportDone(run);
    }
    return run;
  }

  private publishState(run: SimRun, workerId: string, state: WorkerRunState, windows?: number): { bytes: number; full: boolean } {
    return this.publish(
      { v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: run.runId, workerId, state, ...(windows === undefined ? {} : { windows }) },
      (error) => {
        if (error) run.nacks += 1;
      },
    );
  }

  private publishStarted(run: SimRun, workerId: string, member: Member): boolean {
    if (member.started) return false;
    member.started = true;
    return this.publishState(run, workerId, 'started').full;
  }

  /** Publishes a member's windows up to and including `second`, tallied by the window's second; true when the buffer is full. */
  private publishMemberWindows(
    run: SimRun,
    workerId: string,
    member: Member,
    second: number,
    tracker: ConfirmTracker | undefined,
    tallies: Map<number, SecondTally>,
  ): boolean {
    let full = false;
    while (member.nextSeq <= second) {
      const seq = member.nextSeq;
      const w = this.pool.windowFor(member.index, seq);
      if (tracker) tracker.outstanding += 1;
      const sent = this.publish(
        { v: PROTOCOL_VERSION, type: 'run.window', sentAt: Date.now(), runId: run.runId, workerId, seq, second: seq, data: w.data },
        (error) => {
          if (error) run.nacks += 1;
          if (tracker) {
            tracker.outstanding -= 1;
            if (tracker.complete && tracker.outstanding === 0) tracker.confirmedAt = Date.now();
          }
        },
      );
      full ||= sent.full;
      this.lastWindowAt.set(workerId, Date.now());
      member.nextSeq += 1;
      const tally = tallies.get(seq) ?? { windows: 0, requests: 0, encodedBytes: 0, messageBytes: 0 };
      tally.windows += 1;
      tally.requests += w.requests;
      tally.encodedBytes += w.encodedBytes;
      tally.messageBytes += sent.bytes;
      tallies.set(seq, tally);
      run.windows += 1;
      run.requests += w.requests;
    }
    return full;
  }

  private tellSeconds(run: SimRun, tallies: ReadonlyMap<number, SecondTally>, publishedAt: number): void {
    for (const [second, t] of tallies) tell({ type: 'second', runId: run.runId, second, publishedAt, dueAt: run.startAt + (second + 1) * 1000, ...t });
  }

  /** Whatever of the run is due now: the workers' `started`, every second whose end has passed, and the run's end. */
  private async advance(run: SimRun): Promise<void> {
    const now = Date.now();
    if (now < run.startAt) return;
    for (const [workerId, member] of run.members) if (this.publishStarted(run, workerId, member)) await this.drain();
    const due = lastDueSecond(now, run.startAt, run.durationSeconds);
    if (due >= run.nextSecond) {
      const tracker: ConfirmTracker = { outstanding: 0, complete: false, publishedAt: 0, confirmedAt: 0 };
      const tallies = new Map<number, SecondTally>();
      for (const [workerId, member] of run.members) {
        if (this.publishMemberWindows(run, workerId, member, due, tracker, tallies)) await this.drain();
      }
      const publishedAt = Date.now();
      tracker.complete = true;
      tracker.publishedAt = publishedAt;
      if (tracker.outstanding === 0) tracker.confirmedAt = publishedAt;
      run.trackers.push(tracker);
      run.maxPublishLagMs = Math.max(run.maxPublishLagMs, publishedAt - (run.startAt + (due + 1) * 1000));
      this.tellSeconds(run, tallies, publishedAt);
      run.nextSecond = due + 1;
      // The next second's windows are measured now, a second before they are due.
      if (run.nextSecond < run.durationSeconds) this.pool.forSecond(run.nextSecond);
    }
    if (run.nextSecond >= run.durationSeconds) {
      for (const workerId of run.members.keys()) this.finish(run, workerId);
      run.ended = true;
      // Not awaited: the heartbeats go on while the broker confirms the last windows (bounded).
      void Promise.race([this.channel!.waitForConfirms(), new Promise((resolve) => setTimeout(resolve, CONFIRM_TIMEOUT_MS).unref())])
        .catch((error: unknown) => logger.warn({ err: error }, 'waiting for confirms failed'))
        .then(() => this.reportDone(run));
    }
  }

  private finish(run: SimRun, workerId: string): void {
    const member = run.members.get(workerId)!;
    this.publishState(run, workerId, 'finished', member.nextSeq);
    this.busyWith.delete(workerId);
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
    clearTimeout(this.timer);
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
