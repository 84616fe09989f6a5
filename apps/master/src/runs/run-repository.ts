import { randomUUID } from 'node:crypto';
import { auditInsert, type AuditRecord } from '../audit/audit-record.js';
import { addWindow, emptyMerged, type MergedWindows, type MergeOptions, type Window } from '@loadtest/metrics';
import {
  ENDED_RUN_STATES,
  parseShareId,
  partIdPrefix,
  StoredLoadSchema,
  type Plan,
  type RunLoad,
  type Segment,
  type RunStatus,
  type RunSummary,
  type RunWindow,
  type ThresholdOutcome,
  type ThresholdSpec,
  type Verdict,
  type WorkerShareState,
} from '@loadtest/protocol';
import { asJson } from '../persistence/json.js';
import type { Prisma, PrismaClient } from '../persistence/prisma.js';
import { sqlPoolOf } from '../persistence/sql-pool.js';
import { ShareStates } from './share-states.js';
import { StoredWindowCounts } from './stored-window-counts.js';
import { DEFAULT_WINDOW_PAGE, forEachStoredWindow, type WindowPage } from './stored-windows.js';
import { WindowPacks } from './window-packs.js';

export { LEGACY_STEP } from './stored-windows.js';

export interface StoredRunWorker {
  workerId: string;
  index: number;
  connections: number;
  segment: Segment | null;
  state: WorkerShareState;
  windowsReported: number | null;
  windowsStored: number;
  reason: string | null;
  clockOffsetMs: number | null;
}

export interface StoredRun {
  id: string;
  planId: string | null;
  state: RunStatus;
  load: RunLoad;
  plan: Plan;
  summary: RunSummary | null;
  thresholds: ThresholdSpec[];
  thresholdResults: ThresholdOutcome[] | null;
  verdict: Verdict | null;
  error: string | null;
  createdAt: Date;
  startAt: Date | null;
  endedAt: Date | null;
  workers: StoredRunWorker[];
}

export interface StoredWindow extends Window {
  workerId: string;
  seq: number;
}

/** A received window message and its decoded measurements. */
export interface ReceivedWindow {
  window: RunWindow;
  /** `window.data` decoded from base64: what is stored. */
  bytes: Uint8Array;
  measured: Window;
}

/** What a run list keeps (GET /runs). */
export interface RunListFilter {
  planId?: string;
  states?: RunStatus[];
  verdict?: Verdict;
  /** Created at or after. */
  since?: Date;
  /** Created before. */
  until?: Date;
}

/** Where a page of a run list starts: after this run, in (createdAt, id) descending order. */
export interface RunListCursor {
  createdAt: Date;
  id: string;
}

export interface WindowFilter {
  workerId?: string;
  /** First second to include. */
  fromSecond?: number;
  /** Second to stop before (exclusive). */
  toSecond?: number;
}

const WORKER_ORDER = [{ shareIndex: 'asc' as const }, { workerId: 'asc' as const }];

type RunRow = Prisma.RunGetPayload<{ include: { workers: true } }>;

/** A run as stored, with the number of windows stored for each of its shares. */
function storedRunOf(row: RunRow, counts: Map<string, number>): StoredRun {
  return {
    id: row.id,
    planId: row.planId,
    state: row.state as RunStatus,
    // Runs from before scenarios stored `{ connections, durationSeconds }`: read as one constant-vus scenario.
    load: StoredLoadSchema.parse(row.load),
    plan: row.planSnapshot as Plan,
    summary: (row.summary as RunSummary | null) ?? null,
    thresholds: row.thresholds as ThresholdSpec[],
    thresholdResults: (row.thresholdResults as ThresholdOutcome[] | null) ?? null,
    verdict: (row.verdict as Verdict | null) ?? null,
    error: row.error,
    createdAt: row.createdAt,
    startAt: row.startAt,
    endedAt: row.endedAt,
    workers: row.workers.map((w) => ({
      workerId: w.workerId,
      index: w.shareIndex,
      connections: w.connections,
      segment: (w.segment as Segment | null) ?? null,
      state: w.state as WorkerShareState,
      windowsReported: w.windowsReported,
      windowsStored: counts.get(w.workerId) ?? 0,
      reason: w.reason,
      clockOffsetMs: w.clockOffsetMs,
    })),
  };
}

export interface NewRun {
  planId: string;
  plan: Plan;
  load: RunLoad;
  thresholds: ThresholdSpec[];
  startAt: Date;
  workers: { workerId: string; index: number; connections: number; segment: Segment; clockOffsetMs: number | null }[];
}

const ACTIVE: RunStatus[] = ['pending', 'running'];

/** Told what the repository has just stored (see ActiveRunTotals, which keeps active runs' totals from it). */
export interface RunStoreListener {
  /** A run was created: nothing of it is stored yet. */
  created(runId: string): void;
  /** These windows are committed (a redelivered copy included: storage ignored it, the listener must too). */
  windowsStored(rows: readonly ReceivedWindow[]): void;
  /** The run moved to an ended state. */
  ended(runId: string): void;
}

/** Runs, the share each worker ran, and every window they measured. */
export class RunRepository {
  private readonly listeners: RunStoreListener[] = [];

  private windowPacksOnce: WindowPacks | undefined;
  private windowCountsOnce: StoredWindowCounts | undefined;
  private shareStatesOnce: ShareStates | undefined;

  constructor(private readonly prisma: PrismaClient) {}

  /** Taken when the first windows are stored: a client made for reading only (a test's) needs no pool. */
  private get windowPacks(): WindowPacks {
    return (this.windowPacksOnce ??= new WindowPacks(sqlPoolOf(this.prisma)));
  }

  /** Taken at the first share's start, like the window packs. */
  private get shareStates(): ShareStates {
    return (this.shareStatesOnce ??= new ShareStates(sqlPoolOf(this.prisma)));
  }

  /** Kept with the repository: it remembers the counts of runs whose packs have not changed since. */
  private get storedCounts(): StoredWindowCounts {
    return (this.windowCountsOnce ??= new StoredWindowCounts(this.prisma));
  }

  listen(listener: RunStoreListener): void {
    this.listeners.push(listener);
  }

  /** The run, its shares and (`audit`) its line in the audit log, in one transaction. */
  async create(run: NewRun, audit?: AuditRecord): Promise<string> {
    const id = randomUUID();
    const create = this.prisma.run.create({
      data: {
        id,
        planId: run.planId,
        state: 'pending',
        load: asJson(run.load),
        planSnapshot: asJson(run.plan),
        thresholds: asJson(run.thresholds),
        startAt: run.startAt,
      },
      select: { id: true },
    });
    // The shares in one statement (a multi-row INSERT): a nested create writes them one by one, a thousand rows
    // for a thousand workers while the run's start waits.
    const shares = this.prisma.runWorker.createMany({
      data: run.workers.map((w) => ({
        runId: id,
        workerId: w.workerId,
        shareIndex: w.index,
        connections: w.connections,
        segment: asJson(w.segment),
        state: 'assigned' as const,
        clockOffsetMs: w.clockOffsetMs === null ? null : Math.round(w.clockOffsetMs),
      })),
    });
    await this.prisma.$transaction([create, shares, ...(audit ? [auditInsert(this.prisma, { ...audit, subjectType: 'run', subjectId: id })] : [])]);
    for (const listener of this.listeners) listener.created(id);
    return id;
  }

  async get(id: string): Promise<StoredRun | null> {
    const row = await this.prisma.run.findUnique({ where: { id }, include: { workers: { orderBy: WORKER_ORDER } } });
    if (!row) return null;
    return storedRunOf(row, await this.windowCounts(id));
  }

  /**
   * A page of runs, newest first (ties by id), after `after` when given. The same three SQL queries whatever the
   * page size: the runs, their workers, and their window counts (one statement, see StoredWindowCounts).
   */
  async page(filter: RunListFilter, limit: number, after?: RunListCursor): Promise<{ runs: StoredRun[]; more: boolean }> {
    const rows = await this.prisma.run.findMany({
      where: {
        AND: [
          filter.planId !== undefined ? { planId: filter.planId } : {},
          filter.states !== undefined ? { state: { in: filter.states } } : {},
          filter.verdict !== undefined ? { verdict: filter.verdict } : {},
          { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } },
          after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      include: { workers: { orderBy: WORKER_ORDER } },
    });
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const counts = await this.storedCounts.of(pageRows.map((r) => r.id));
    return { runs: pageRows.map((row) => storedRunOf(row, counts.get(row.id) ?? new Map())), more };
  }
  async state(id: string): Promise<RunStatus | null> {
    const row = await this.prisma.run.findUnique({ where: { id }, select: { state: true } });
    return row ? (row.state as RunStatus) : null;
  }

  async hasActiveRun(planId: string): Promise<boolean> {
    return (await this.prisma.run.count({ where: { planId, state: { in: ACTIVE } } })) > 0;
  }

  async activeRunIds(): Promise<string[]> {
    const rows = await this.prisma.run.findMany({ where: { state: { in: ACTIVE } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** Moves a run from one of `from` to `to`; false if it was not in one of them (someone else moved it first). */
  async transition(
    id: string,
    from: RunStatus[],
    to: RunStatus,
    fields: { summary?: RunSummary; error?: string | null; endedAt?: Date; thresholdResults?: ThresholdOutcome[]; verdict?: Verdict } = {},
  ): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id, state: { in: from } },
      data: {
        state: to,
        ...(fields.summary ? { summary: asJson(fields.summary) } : {}),
        ...(fields.error !== undefined ? { error: fields.error } : {}),
        ...(fields.endedAt ? { endedAt: fields.endedAt } : {}),
        ...(fields.thresholdResults ? { thresholdResults: asJson(fields.thresholdResults) } : {}),
        ...(fields.verdict ? { verdict: fields.verdict } : {}),
      },
    });
    if (count > 0 && ENDED_RUN_STATES.includes(to)) for (const listener of this.listeners) listener.ended(id);
    return count > 0;
  }

  /** Records why a run still in progress is being ended early (an abort); false if it has ended. */
  async setActiveRunError(id: string, error: string): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({ where: { id, state: { in: ACTIVE } }, data: { error } });
    return count > 0;
  }

  /** Replaces an ended run's recorded result (windows that arrived after its end); false if the run has not ended. */
  async updateEndedResult(id: string, result: { summary: RunSummary; thresholdResults: ThresholdOutcome[]; verdict: Verdict }): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id, state: { in: [...ENDED_RUN_STATES] } },
      data: { summary: asJson(result.summary), thresholdResults: asJson(result.thresholdResults), verdict: result.verdict },
    });
    return count > 0;
  }

  /**
   * Moves a worker's share forward: `started` only from `assigned`, an end only
   * from `assigned` or `started`. Messages may be handled out of order (the
   * broker delivers many at once), and a late `started` must not undo a
   * `finished`. Returns whether the share moved.
   */
  async setWorkerState(runId: string, workerId: string, state: WorkerShareState, fields: { windowsReported?: number; reason?: string } = {}): Promise<boolean> {
    return this.shareStates.set({ runId, shareId: workerId, state, ...fields });
  }

  /** Records the window count a lost share's worker reported when it came back; false when the share is not lost or has one. */
  async setLostShareWindows(runId: string, workerId: string, windows: number): Promise<boolean> {
    const { count } = await this.prisma.runWorker.updateMany({
      where: { runId, workerId, state: 'lost', windowsReported: null },
      data: { windowsReported: windows },
    });
    return count > 0;
  }

  /** Says what became of a share that has ended (e.g. the worker-loss policy applied to a worker that left). */
  async setShareReason(runId: string, workerId: string, reason: string): Promise<void> {
    await this.prisma.runWorker.updateMany({ where: { runId, workerId }, data: { reason } });
  }

  /**
   * The shares a worker has not ended, in runs that have not ended: what its loss affects. Its parts of lost
   * shares included (share id `<workerId>~<part>`), each with its share id.
   */
  async openSharesOf(workerId: string): Promise<{ runId: string; shareId: string; index: number; connections: number; segment: Segment | null }[]> {
    const rows = await this.prisma.runWorker.findMany({
      where: {
        OR: [{ workerId }, { workerId: { startsWith: partIdPrefix(workerId) } }],
        state: { in: ['assigned', 'started'] },
        run: { state: { in: ACTIVE } },
      },
      orderBy: [{ runId: 'asc' }, { workerId: 'asc' }],
    });
    return rows
      .filter((row) => parseShareId(row.workerId).workerId === workerId)
      .map((row) => ({
        runId: row.runId,
        shareId: row.workerId,
        index: row.shareIndex,
        connections: row.connections,
        segment: (row.segment as Segment | null) ?? null,
      }));
  }

  /** Whether a worker still runs a share of the run (its own or a part): it stays busy with the run until none is left. */
  hasOpenShareOfWorker(runId: string, workerId: string): Promise<boolean> {
    return this.shareStates.hasOpenShareOfWorker(runId, workerId);
  }

  /** Adds a share that takes over a lost share, whole (same index and segment) or a part of it (same index, its share id `<workerId>~<part>`). */
  async addTakeover(
    runId: string,
    share: { workerId: string; index: number; connections: number; segment: Segment; clockOffsetMs: number | null; reason: string },
  ): Promise<void> {
    await this.prisma.runWorker.create({
      data: {
        runId,
        workerId: share.workerId,
        shareIndex: share.index,
        connections: share.connections,
        segment: asJson(share.segment),
        state: 'assigned',
        reason: share.reason,
        clockOffsetMs: share.clockOffsetMs === null ? null : Math.round(share.clockOffsetMs),
      },
    });
  }

  /** Shares of the run that have not ended yet: a cheap check before loading the whole run. */
  async openShareCount(runId: string): Promise<number> {
    return this.prisma.runWorker.count({ where: { runId, state: { in: ['assigned', 'started'] } } });
  }

  async hasShare(runId: string, workerId: string): Promise<boolean> {
    return (await this.prisma.runWorker.count({ where: { runId, workerId } })) > 0;
  }

  /**
   * Stores windows, packed (WindowPacks); a redelivered copy (same run, worker and seq) may be stored again, and
   * every reader below counts it once. `measured` is the message's data, already decoded (and so checked).
   */
  async insertWindows(rows: readonly ReceivedWindow[]): Promise<void> {
    await this.windowPacks.insert(rows);
    for (const listener of this.listeners) listener.windowsStored(rows);
  }

  /** All of a run's stored windows (or a part), decoded; for small runs and tests — merging uses `forEachWindow`. */
  async windows(runId: string, filter: WindowFilter = {}): Promise<StoredWindow[]> {
    const windows: StoredWindow[] = [];
    await this.forEachWindow(runId, filter, (window) => windows.push(window));
    return windows;
  }

  /**
   * Visits a run's stored windows, each (share, seq) once, page by page, in (second, worker, seq) order, so that
   * memory stays bounded however long the run was (timelines and reports rely on the second order).
   */
  async forEachWindow(runId: string, filter: WindowFilter, visit: (window: StoredWindow) => void, page: WindowPage = DEFAULT_WINDOW_PAGE): Promise<void> {
    await forEachStoredWindow(this.prisma, runId, filter, visit, page);
  }

  /** Merges a run's stored windows (or a part of them) without holding them all. */
  async mergeStored(runId: string, filter: WindowFilter = {}, options: MergeOptions = {}): Promise<MergedWindows> {
    const merged = emptyMerged();
    await this.forEachWindow(runId, filter, (window) => addWindow(merged, window, options));
    return merged;
  }

  /** The number of windows stored for each share of the run, each (share, seq) once. */
  async windowCounts(runId: string): Promise<Map<string, number>> {
    return (await this.storedCounts.of([runId])).get(runId) ?? new Map();
  }
}
