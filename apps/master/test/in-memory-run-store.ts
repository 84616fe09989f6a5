import { randomUUID } from 'node:crypto';
import { addWindow, emptyMerged, type MergedWindows, type Window } from '@loadtest/metrics';
import { ENDED_RUN_STATES, parseShareId, type RunStatus, type Segment, type WorkerShareState } from '@loadtest/protocol';
import type { NewRun, ReceivedWindow, StoredRun } from '../src/runs/run-repository.js';
import type { RunStore } from '../src/runs/run-store.js';

const OPEN: readonly WorkerShareState[] = ['assigned', 'started'];

/**
 * Runs held in memory, for the orchestrator's memory test only: a run is forgotten once it has ended, so
 * that the heap measures what the master keeps, not the store. It follows the repository's rules for the
 * paths that test takes (share moves only forward, duplicate windows ignored); orchestrator.test.ts runs
 * the same paths, and the rest, on the real PostgreSQL.
 */
export class InMemoryRunStore implements RunStore {
  private readonly runs = new Map<string, { run: StoredRun; windows: Window[]; seen: Set<string> }>();
  endedRuns = 0;

  async create(run: NewRun): Promise<string> {
    const id = randomUUID();
    const stored: StoredRun = {
      id,
      planId: run.planId,
      state: 'pending',
      load: run.load,
      plan: run.plan,
      summary: null,
      thresholds: run.thresholds,
      thresholdResults: null,
      verdict: null,
      error: null,
      createdAt: new Date(),
      startAt: run.startAt,
      endedAt: null,
      workers: run.workers.map((w) => ({ ...w, state: 'assigned', windowsReported: null, windowsStored: 0, reason: null })),
    };
    this.runs.set(id, { run: stored, windows: [], seen: new Set() });
    return id;
  }

  async get(id: string): Promise<StoredRun | null> {
    const held = this.runs.get(id);
    return held ? { ...held.run, workers: held.run.workers.map((w) => ({ ...w })) } : null;
  }

  async state(id: string): Promise<RunStatus | null> {
    return this.runs.get(id)?.run.state ?? null;
  }

  async activeRunIds(): Promise<string[]> {
    return [...this.runs.values()].filter((h) => !ENDED_RUN_STATES.includes(h.run.state)).map((h) => h.run.id);
  }

  async transition(id: string, from: RunStatus[], to: RunStatus, fields: Parameters<RunStore['transition']>[3] = {}): Promise<boolean> {
    const held = this.runs.get(id);
    if (!held || !from.includes(held.run.state)) return false;
    Object.assign(held.run, { state: to }, fields);
    if (ENDED_RUN_STATES.includes(to)) {
      this.runs.delete(id);
      this.endedRuns += 1;
    }
    return true;
  }

  async setActiveRunError(id: string, error: string): Promise<boolean> {
    const held = this.runs.get(id);
    if (!held || ENDED_RUN_STATES.includes(held.run.state)) return false;
    held.run.error = error;
    return true;
  }

  async updateEndedResult(): Promise<boolean> {
    // Ended runs are forgotten here.
    return false;
  }

  async setWorkerState(runId: string, workerId: string, state: WorkerShareState, fields: { windowsReported?: number; reason?: string } = {}): Promise<boolean> {
    const share = this.runs.get(runId)?.run.workers.find((w) => w.workerId === workerId);
    const from: WorkerShareState[] = state === 'started' ? ['assigned'] : ['assigned', 'started'];
    if (!share || !from.includes(share.state)) return false;
    share.state = state;
    if (fields.windowsReported !== undefined) share.windowsReported = fields.windowsReported;
    if (fields.reason !== undefined) share.reason = fields.reason;
    return true;
  }

  async setLostShareWindows(runId: string, workerId: string, windows: number): Promise<boolean> {
    const share = this.runs.get(runId)?.run.workers.find((w) => w.workerId === workerId);
    if (!share || share.state !== 'lost' || share.windowsReported !== null) return false;
    share.windowsReported = windows;
    return true;
  }

  async setShareReason(runId: string, workerId: string, reason: string): Promise<void> {
    const share = this.runs.get(runId)?.run.workers.find((w) => w.workerId === workerId);
    if (share) share.reason = reason;
  }

  async openSharesOf(workerId: string): Promise<{ runId: string; shareId: string; index: number; connections: number; segment: Segment | null }[]> {
    return [...this.runs.values()]
      .filter((h) => !ENDED_RUN_STATES.includes(h.run.state))
      .flatMap((h) =>
        h.run.workers
          .filter((w) => OPEN.includes(w.state) && parseShareId(w.workerId).workerId === workerId)
          .map((w) => ({ runId: h.run.id, shareId: w.workerId, index: w.index, connections: w.connections, segment: w.segment })),
      );
  }

  async hasOpenShareOfWorker(runId: string, workerId: string): Promise<boolean> {
    return this.runs.get(runId)?.run.workers.some((w) => OPEN.includes(w.state) && parseShareId(w.workerId).workerId === workerId) ?? false;
  }

  async addTakeover(
    runId: string,
    share: { workerId: string; index: number; connections: number; segment: Segment; clockOffsetMs: number | null; reason: string },
  ): Promise<void> {
    this.runs.get(runId)?.run.workers.push({ ...share, state: 'assigned', windowsReported: null, windowsStored: 0 });
  }

  async openShareCount(runId: string): Promise<number> {
    return this.runs.get(runId)?.run.workers.filter((w) => OPEN.includes(w.state)).length ?? 0;
  }

  async hasShare(runId: string, workerId: string): Promise<boolean> {
    return this.runs.get(runId)?.run.workers.some((w) => w.workerId === workerId) ?? false;
  }

  async insertWindows(rows: readonly ReceivedWindow[]): Promise<void> {
    for (const { window, measured } of rows) {
      const held = this.runs.get(window.runId);
      const key = `${window.workerId}:${window.seq}`;
      if (!held || held.seen.has(key)) continue;
      held.seen.add(key);
      held.windows.push(measured);
      const share = held.run.workers.find((w) => w.workerId === window.workerId);
      if (share) share.windowsStored += 1;
    }
  }

  async mergeStored(runId: string): Promise<MergedWindows> {
    const merged = emptyMerged();
    for (const window of this.runs.get(runId)?.windows ?? []) addWindow(merged, window);
    return merged;
  }

  /** Runs held (not yet ended). */
  get size(): number {
    return this.runs.size;
  }
}
