import { addWindow, emptyMerged, thresholdOutcomes, type MergedWindows, type ScopedThreshold } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type LiveWindowEvent, type ThresholdOutcome } from '@loadtest/protocol';
import { bucketPoint, type WorkerWindow } from '@loadtest/metrics';

/** A decoded window on its way to the live stream. */
export type LiveWindow = WorkerWindow & { runId: string };

interface PendingSecond {
  windows: LiveWindow[];
  workers: Set<string>;
  firstArrivalMs: number;
}

interface LiveRun {
  workers: number;
  pending: Map<number, PendingSecond>;
  lastEmitted: number;
  /** Everything sent so far, merged: the thresholds are judged on it. */
  cumulative: MergedWindows;
  thresholds: ScopedThreshold[];
  /** The run's common start instant, epoch ms: second n ends at startAtMs + (n + 1) s. */
  startAtMs: number | undefined;
}

export interface LiveAggregatorOptions {
  emit(event: LiveWindowEvent): void;
  /** Called with each second's threshold outcomes, judged on all data merged so far. */
  onThresholds?(runId: string, second: number, outcomes: ThresholdOutcome[]): void;
  /** How long a second waits for slow workers' windows before it is sent without them. */
  graceMs: number;
  now?: () => number;
  /** Told how long after its end each second was sent (ms), for a run whose start instant is known: the live lag. */
  onSent?(lagMs: number): void;
}

/**
 * Merges the windows of a run's workers into one event per second, in order.
 * A second is sent once every worker has delivered it, or when its grace
 * period runs out. Each event holds that second only — a delta, never history —
 * plus each threshold's state on everything merged so far. A window that
 * arrives after its second was sent is already stored and shows in the REST
 * timeline; it is not resent live.
 */
export class LiveAggregator {
  private readonly runs = new Map<string, LiveRun>();
  private readonly now: () => number;

  constructor(private readonly options: LiveAggregatorOptions) {
    this.now = options.now ?? Date.now;
  }

  trackRun(runId: string, workers: number, thresholds: ScopedThreshold[] = [], startAtMs?: number): void {
    if (!this.runs.has(runId)) this.runs.set(runId, { workers, pending: new Map(), lastEmitted: -1, cumulative: emptyMerged(), thresholds, startAtMs });
  }

  /**
   * The shares a run's seconds wait for, after a worker was lost or its share split into parts (each part
   * sends its own window per second): a second is complete when that many windows are in.
   */
  setWorkers(runId: string, workers: number): void {
    const run = this.runs.get(runId);
    if (run) run.workers = Math.max(1, workers);
  }

  addWindow(window: LiveWindow): void {
    const run = this.runs.get(window.runId);
    if (!run || window.second <= run.lastEmitted) return;
    let pending = run.pending.get(window.second);
    if (!pending) {
      pending = { windows: [], workers: new Set(), firstArrivalMs: this.now() };
      run.pending.set(window.second, pending);
    }
    if (pending.workers.has(window.workerId)) return;
    pending.workers.add(window.workerId);
    pending.windows.push(window);
    this.flush(window.runId, false);
  }

  /** Sends every second that is complete or whose grace has run out; call it on a timer. */
  tick(): void {
    for (const runId of this.runs.keys()) this.flush(runId, false);
  }

  /** Sends whatever is pending and forgets the run. */
  endRun(runId: string): void {
    this.flush(runId, true);
    this.runs.delete(runId);
  }

  private flush(runId: string, all: boolean): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const seconds = [...run.pending.keys()].sort((a, b) => a - b);
    for (const second of seconds) {
      const pending = run.pending.get(second)!;
      const due = all || pending.workers.size >= run.workers || this.now() - pending.firstArrivalMs >= this.options.graceMs;
      if (!due) break;
      run.pending.delete(second);
      run.lastEmitted = second;
      for (const window of pending.windows) addWindow(run.cumulative, window);
      const thresholds = thresholdOutcomes(run.thresholds, run.cumulative);
      this.options.emit({ v: PROTOCOL_VERSION, runId, ...bucketPoint(second, pending.windows), thresholds });
      if (run.startAtMs !== undefined) this.options.onSent?.(this.now() - (run.startAtMs + (second + 1) * 1000));
      if (run.thresholds.length > 0) this.options.onThresholds?.(runId, second, thresholds);
    }
  }
}
