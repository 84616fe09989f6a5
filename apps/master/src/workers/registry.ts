import {
  HEARTBEAT_EXPIRATION_MS,
  type WorkerCapabilities,
  type WorkerHeartbeat,
  type WorkerHello,
  type WorkerResource,
  type WorkerState,
} from '@loadtest/protocol';

interface WorkerEntry {
  id: string;
  host: string | null;
  version: string | null;
  capabilities: WorkerCapabilities | null;
  lastHeartbeatAt: number | null;
  lastSeenAt: number;
  busyWith: string | null;
  /**
   * The run whose share the master last saw end on this worker. A heartbeat the worker sent while that share
   * still ran can arrive after its end: it must not mark the worker busy again (a run started at once would be refused).
   */
  endedRun: string | null;
  /** Recent (worker sentAt − master receivedAt) samples, newest last. */
  offsetSamples: number[];
  /** The state the last sweep saw (null before the first sweep that saw this worker). */
  sweptState: WorkerState | null;
}

/** A worker whose state differs from what the previous sweep saw. */
export interface WorkerStateChange {
  workerId: string;
  state: WorkerState;
  previousState: WorkerState | null;
  lastSeenAt: number;
}

/** Heartbeats kept for the clock offset estimate. */
const OFFSET_SAMPLES = 10;

export interface WorkerRegistryOptions {
  /** A worker not heard from for this long is `missing`. */
  missingAfterMs: number;
  /** A worker not heard from for this long is `lost` (more than `missingAfterMs`); it stays listed. */
  lostAfterMs: number;
  now?: () => number;
}

/** The workers the master knows, as their hellos and heartbeats tell it. */
export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerEntry>();
  private readonly now: () => number;
  /** Since when the master cannot hear any worker (its broker connection is down); null when it can. */
  private deafSince: number | null = null;

  constructor(private readonly options: WorkerRegistryOptions) {
    if (!(options.lostAfterMs > options.missingAfterMs)) {
      throw new RangeError(`lostAfterMs (${options.lostAfterMs}) must be more than missingAfterMs (${options.missingAfterMs})`);
    }
    this.now = options.now ?? Date.now;
  }

  onHello(hello: WorkerHello): void {
    const entry = this.entry(hello.workerId);
    this.sampleOffset(entry, hello.sentAt);
    entry.host = hello.host;
    entry.version = hello.version;
    entry.capabilities = hello.capabilities;
    entry.lastSeenAt = this.now();
  }

  onHeartbeat(heartbeat: WorkerHeartbeat): void {
    const entry = this.entry(heartbeat.workerId);
    entry.lastHeartbeatAt = this.sampleOffset(entry, heartbeat.sentAt);
    entry.lastSeenAt = entry.lastHeartbeatAt;
    entry.busyWith = heartbeat.activity === 'busy' && heartbeat.runId !== entry.endedRun ? heartbeat.runId : null;
  }

  /**
   * A window stands for its worker's heartbeat while it runs a share (HEARTBEAT_AFTER_WINDOW_MS), counted as a
   * heartbeat is: when it arrives, and only if it is no older than a heartbeat may be (HEARTBEAT_EXPIRATION_MS, by
   * its own stamp on the master's clock). Windows are kept in the broker where heartbeats expire: those of a worker
   * that died while no master read them must not keep it alive. A master behind its queue by less than that still
   * counts them, as it did the heartbeats. It does not make the worker busy: a window can arrive after its share ended.
   */
  onWindow(workerId: string, sentAt: number): void {
    const entry = this.workers.get(workerId);
    if (!entry) return;
    let offset = Number.NEGATIVE_INFINITY;
    for (const sample of entry.offsetSamples) offset = Math.max(offset, sample);
    if (offset === Number.NEGATIVE_INFINITY) offset = 0;
    const receivedAt = this.sampleOffset(entry, sentAt);
    if (receivedAt - (sentAt - offset) <= HEARTBEAT_EXPIRATION_MS) entry.lastSeenAt = receivedAt;
  }

  /** Records one clock sample from a message the worker stamped; returns when it was received. */
  private sampleOffset(entry: WorkerEntry, sentAt: number): number {
    const receivedAt = this.now();
    entry.offsetSamples.push(sentAt - receivedAt);
    if (entry.offsetSamples.length > OFFSET_SAMPLES) entry.offsetSamples.shift();
    return receivedAt;
  }

  /** Marks a worker busy as soon as it is assigned, before its next heartbeat says so. */
  markBusy(workerId: string, runId: string): void {
    const entry = this.workers.get(workerId);
    if (!entry) return;
    entry.busyWith = runId;
    if (entry.endedRun === runId) entry.endedRun = null;
  }

  markIdle(workerId: string, runId: string): void {
    const entry = this.workers.get(workerId);
    if (!entry) return;
    entry.endedRun = runId;
    if (entry.busyWith === runId) entry.busyWith = null;
  }

  /**
   * The worker's clock minus the master's, in ms. Each heartbeat gives
   * (offset − transit time); the largest recent sample is the one that spent
   * least time in transit, so it is the closest to the true offset.
   */
  clockOffset(workerId: string): number | null {
    const samples = this.workers.get(workerId)?.offsetSamples;
    return samples && samples.length > 0 ? Math.max(...samples) : null;
  }

  /**
   * The master lost its broker connection: it hears no worker, so their
   * silence from now on says nothing about them. Their silence is counted
   * again from where it stood, once `hearing()` is called.
   */
  deaf(): void {
    this.deafSince ??= this.now();
  }

  /** The master hears the workers again: the time it could not is not counted as their silence. */
  hearing(): void {
    if (this.deafSince === null) return;
    const gap = this.now() - this.deafSince;
    this.deafSince = null;
    for (const entry of this.workers.values()) entry.lastSeenAt = Math.min(this.now(), entry.lastSeenAt + gap);
  }

  stateOf(entry: WorkerEntry): WorkerState {
    const silentFor = (this.deafSince ?? this.now()) - entry.lastSeenAt;
    if (silentFor > this.options.lostAfterMs) return 'lost';
    if (silentFor > this.options.missingAfterMs) return 'missing';
    return entry.busyWith ? 'busy' : 'online';
  }

  /** Workers that are live and free to take a share, in a stable order. */
  available(): string[] {
    return [...this.workers.values()]
      .filter((entry) => this.stateOf(entry) === 'online')
      .map((entry) => entry.id)
      .sort();
  }

  /** A worker's state now; null for a worker never heard from. */
  workerState(workerId: string): WorkerState | null {
    const entry = this.workers.get(workerId);
    return entry ? this.stateOf(entry) : null;
  }

  /** What a worker said it can take in its hello; null when unknown (no hello yet). */
  capabilitiesOf(workerId: string): WorkerCapabilities | null {
    return this.workers.get(workerId)?.capabilities ?? null;
  }

  /**
   * Compares every worker's state with what the previous sweep saw and returns
   * the changes (a worker seen for the first time included). Called
   * periodically; no timer per worker.
   */
  sweep(): WorkerStateChange[] {
    const changes: WorkerStateChange[] = [];
    for (const entry of [...this.workers.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      const state = this.stateOf(entry);
      if (state === entry.sweptState) continue;
      changes.push({ workerId: entry.id, state, previousState: entry.sweptState, lastSeenAt: entry.lastSeenAt });
      entry.sweptState = state;
    }
    return changes;
  }

  list(): WorkerResource[] {
    return [...this.workers.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((entry) => ({
        id: entry.id,
        host: entry.host,
        version: entry.version,
        state: this.stateOf(entry),
        lastHeartbeatAt: entry.lastHeartbeatAt === null ? null : new Date(entry.lastHeartbeatAt).toISOString(),
        lastSeenAt: new Date(entry.lastSeenAt).toISOString(),
        capabilities: entry.capabilities,
        clockOffsetMs: this.clockOffset(entry.id),
        runId: entry.busyWith,
      }));
  }

  summaryCounts(): Record<WorkerState, number> {
    const counts: Record<WorkerState, number> = { online: 0, busy: 0, missing: 0, lost: 0 };
    for (const entry of this.workers.values()) counts[this.stateOf(entry)] += 1;
    return counts;
  }

  private entry(id: string): WorkerEntry {
    let entry = this.workers.get(id);
    if (!entry) {
      entry = {
        id,
        host: null,
        version: null,
        capabilities: null,
        lastHeartbeatAt: null,
        lastSeenAt: this.now(),
        busyWith: null,
        endedRun: null,
        offsetSamples: [],
        sweptState: null,
      };
      this.workers.set(id, entry);
    }
    return entry;
  }
}
