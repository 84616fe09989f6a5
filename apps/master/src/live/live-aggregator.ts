import {
  addMerged,
  addWindow,
  emptyMerged,
  stepSummary,
  thresholdOutcomes,
  type MergedWindows,
  type ScopedThreshold,
  type WorkerWindow,
} from '@loadtest/metrics';
import { PROTOCOL_VERSION, type LiveWindowEvent, type ThresholdOutcome } from '@loadtest/protocol';

/** A decoded window on its way to the live stream. */
export type LiveWindow = WorkerWindow & { runId: string };

/** One second of a run, merged as its windows come in: no window is held, only the sum. */
interface SecondTotals {
  merged: MergedWindows;
  workers: Set<string>;
  /** VUs in progress at the second's end, added over the windows that measured them. */
  vus: number | null;
  firstArrivalMs: number;
}

interface LiveRun {
  workers: number;
  pending: Map<number, SecondTotals>;
  lastEmitted: number;
  /** Seconds already sent, kept a while so that a window arriving late revises its second. */
  sent: Map<number, SecondTotals>;
  /** Sent seconds that late windows changed since the last tick: each is sent again once per tick, however many came. */
  revised: Set<number>;
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
  /**
   * For a run whose start instant is known: how long after a second's end it is sent with the windows that have
   * arrived (LIVE_DEADLINE_MS), when some worker's window is still missing.
   */
  deadlineMs?: number;
  /** For a run whose start is not known (taken up after a restart): how long a second waits after its first window. */
  graceMs: number;
  /** How many seconds back a late window still revises its second live (older ones are only stored). */
  revisableSeconds?: number;
  now?: () => number;
  /** Told how long after its end each second was sent (ms), for a run whose start instant is known: the live lag. */
  onSent?(lagMs: number): void;
}

const DEFAULT_REVISABLE_SECONDS = 30;
const DEFAULT_DEADLINE_MS = 500;

function emptySecond(now: number): SecondTotals {
  return { merged: emptyMerged(), workers: new Set(), vus: null, firstArrivalMs: now };
}

function addToSecond(totals: SecondTotals, window: LiveWindow): void {
  totals.workers.add(window.workerId);
  addWindow(totals.merged, window);
  if (window.vus !== undefined) totals.vus = (totals.vus ?? 0) + window.vus;
}

/**
 * Merges the windows of a run's workers into one event per second, in order. A second is sent once every worker
 * has delivered it or, at the latest, `deadlineMs` after it ended, with the windows that have arrived and the count
 * of workers still missing. A window that arrives after its second was sent is folded in and the corrected second
 * is sent again, flagged as a revision (within `revisableSeconds`); the stored timeline is exact either way. Each
 * event holds that second only — a delta, never history — plus each threshold's state on everything merged so far.
 */
export class LiveAggregator {
  private readonly runs = new Map<string, LiveRun>();
  private readonly now: () => number;
  private readonly revisableSeconds: number;

  constructor(private readonly options: LiveAggregatorOptions) {
    this.now = options.now ?? Date.now;
    this.revisableSeconds = options.revisableSeconds ?? DEFAULT_REVISABLE_SECONDS;
  }

  trackRun(runId: string, workers: number, thresholds: ScopedThreshold[] = [], startAtMs?: number): void {
    if (!this.runs.has(runId))
      this.runs.set(runId, {
        workers,
        pending: new Map(),
        lastEmitted: -1,
        sent: new Map(),
        revised: new Set(),
        cumulative: emptyMerged(),
        thresholds,
        startAtMs,
      });
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
    if (!run) return;
    if (window.second <= run.lastEmitted) return this.revise(run, window);
    let pending = run.pending.get(window.second);
    if (!pending) {
      pending = emptySecond(this.now());
      run.pending.set(window.second, pending);
    }
    // The live stream keeps one window per share and second: a redelivered copy is ignored.
    if (pending.workers.has(window.workerId)) return;
    addToSecond(pending, window);
    this.flush(window.runId, false);
  }

  /** Sends every second that is complete or past its deadline, and the seconds late windows revised; call it on a timer. */
  tick(): void {
    for (const runId of this.runs.keys()) {
      this.flush(runId, false);
      this.sendRevisions(runId);
    }
  }

  /** Sends whatever is pending and forgets the run. */
  endRun(runId: string): void {
    this.flush(runId, true);
    this.sendRevisions(runId);
    this.runs.delete(runId);
  }

  /** What is held per run: seconds waiting, and seconds kept for revisions (bounded by revisableSeconds). */
  footprint(runId: string): { pendingSeconds: number; revisableSeconds: number } | undefined {
    const run = this.runs.get(runId);
    return run && { pendingSeconds: run.pending.size, revisableSeconds: run.sent.size };
  }

  private due(run: LiveRun, second: number, pending: SecondTotals): boolean {
    if (pending.workers.size >= run.workers) return true;
    if (run.startAtMs !== undefined) return this.now() >= run.startAtMs + (second + 1) * 1000 + (this.options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    return this.now() - pending.firstArrivalMs >= this.options.graceMs;
  }

  private flush(runId: string, all: boolean): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const seconds = [...run.pending.keys()].sort((a, b) => a - b);
    for (const second of seconds) {
      const pending = run.pending.get(second)!;
      if (!all && !this.due(run, second, pending)) break;
      run.pending.delete(second);
      run.lastEmitted = second;
      addMerged(run.cumulative, pending.merged);
      run.sent.set(second, pending);
      for (const kept of run.sent.keys()) if (kept <= second - this.revisableSeconds) run.sent.delete(kept);
      this.send(runId, run, second, pending, false);
      if (run.startAtMs !== undefined) this.options.onSent?.(this.now() - (run.startAtMs + (second + 1) * 1000));
    }
  }

  /**
   * A window for a second already sent: folded into it and into the totals; the second is sent again at the next
   * tick. Coalesced, because a second's figures cost a pass over its histograms: with a thousand workers, hundreds
   * of windows can come after a deadline, and one send each took most of the master's time.
   */
  private revise(run: LiveRun, window: LiveWindow): void {
    const sent = run.sent.get(window.second);
    if (!sent || sent.workers.has(window.workerId)) return;
    addToSecond(sent, window);
    addWindow(run.cumulative, window);
    run.revised.add(window.second);
  }

  private sendRevisions(runId: string): void {
    const run = this.runs.get(runId);
    if (!run || run.revised.size === 0) return;
    for (const second of [...run.revised].sort((a, b) => a - b)) {
      const totals = run.sent.get(second);
      if (totals) this.send(runId, run, second, totals, true);
    }
    run.revised.clear();
  }

  private send(runId: string, run: LiveRun, second: number, totals: SecondTotals, revision: boolean): void {
    const thresholds = thresholdOutcomes(run.thresholds, run.cumulative);
    this.options.emit({
      v: PROTOCOL_VERSION,
      runId,
      second,
      ...stepSummary(totals.merged.total, totals.merged.spanMs / 1000),
      dropped: totals.merged.dropped,
      vus: totals.vus === null ? null : Math.round(totals.vus * 10) / 10,
      workers: totals.workers.size,
      missingWorkers: Math.max(0, run.workers - totals.workers.size),
      revision,
      thresholds,
    });
    if (run.thresholds.length > 0) this.options.onThresholds?.(runId, second, thresholds);
  }
}
