import { createLatencyHistogram, decodeHistogramBytes, decodeWindow, emptyErrorCounts } from '@loadtest/metrics';
import type { ErrorCounts, StatusCounts } from '@loadtest/protocol';
import type { PrismaClient } from '../persistence/prisma.js';
import type { StoredWindow, WindowFilter } from './run-repository.js';

/**
 * Reading a run's stored windows: the packs (run_window_packs, written since 0008) and the rows of run_windows (one
 * per window, written before), merged second by second. A window may be stored twice (a redelivery stored by
 * another batch, or by the old table and then a pack when a master was upgraded during a run); a copy always has
 * the same second, so a second's windows are gathered from both tables and each (share, seq) kept once.
 */

/** Name of the one step a window stored before per-step encoding is read as. */
export const LEGACY_STEP = '(all)';

/** How many rows a page reads: packs (each up to a batch's windows of one second) and legacy rows (one window each). */
export interface WindowPage {
  packs: number;
  rows: number;
}

export const DEFAULT_WINDOW_PAGE: WindowPage = { packs: 16, rows: 2000 };

/** Windows of one second, from one table, copies included. */
interface SecondWindows {
  second: number;
  windows: StoredWindow[];
}

interface PackRow {
  second: number;
  /** The pack's id as text (a bigint); not named `id`, which ORDER BY would then take for the text, not the number. */
  pack_id: string;
  share_ids: string[];
  seqs: number[];
  sizes: number[];
  data: Uint8Array;
}

const SELECT_PACKS = `SELECT second, id::text AS pack_id, share_ids, seqs, sizes, data FROM run_window_packs
WHERE run_id = $1::uuid AND second >= $2::int AND second < $3::int AND (second, id) > ($4::int, $5::bigint)
  AND ($7::text IS NULL OR $7::text = ANY(share_ids))
ORDER BY second, id LIMIT $6::int`;

/** The int4 bounds, for an open end of a second range. */
const MIN_SECOND = -2147483648;
const MAX_SECOND = 2147483647;

/** A pack's windows (those of `workerId` only, when given), decoded. */
export function unpack(row: Pick<PackRow, 'second' | 'share_ids' | 'seqs' | 'sizes' | 'data'>, workerId?: string): StoredWindow[] {
  const windows: StoredWindow[] = [];
  let offset = 0;
  for (let i = 0; i < row.sizes.length; i++) {
    const size = row.sizes[i]!;
    const shareId = row.share_ids[i]!;
    if (offset + size > row.data.length)
      throw new Error(
        `window pack of second ${row.second} is shorter than its sizes say: window ${i} (${shareId}) ends at ${offset + size} of ${row.data.length} bytes`,
      );
    if (workerId === undefined || shareId === workerId)
      windows.push({ workerId: shareId, seq: row.seqs[i]!, ...decodeWindow(row.data.subarray(offset, offset + size)) });
    offset += size;
  }
  return windows;
}

/**
 * A run's packs in second order, a page at a time, as each second's windows (all of a second's packs together).
 * Through Prisma (a raw statement), so that any client reads, a test's logging one included.
 */
async function* packSeconds(prisma: PrismaClient, runId: string, filter: WindowFilter, pageSize: number): AsyncGenerator<SecondWindows> {
  let after = { second: MIN_SECOND, id: '0' };
  let current: SecondWindows | undefined;
  // Each page moves the cursor past at least one pack, and a run has finitely many: the loop ends.
  for (;;) {
    const rows = await prisma.$queryRawUnsafe<PackRow[]>(
      SELECT_PACKS,
      runId,
      filter.fromSecond ?? MIN_SECOND,
      filter.toSecond ?? MAX_SECOND,
      after.second,
      after.id,
      pageSize,
      // One worker's windows: only the packs that hold one of them (their bytes are not even read otherwise).
      filter.workerId ?? null,
    );
    for (const row of rows) {
      if (current && current.second !== row.second) yield current;
      if (!current || current.second !== row.second) current = { second: row.second, windows: [] };
      for (const window of unpack(row, filter.workerId)) current.windows.push(window);
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    after = { second: last.second, id: last.pack_id };
  }
  if (current) yield current;
}

interface LegacyRow {
  workerId: string;
  seq: number;
  second: number;
  data: Uint8Array | null;
  durationMs: number | null;
  bytes: bigint | null;
  statusCodes: unknown;
  errors: unknown;
  histogram: Uint8Array | null;
}

function legacyWindowOf(row: LegacyRow): StoredWindow {
  if (row.data) return { workerId: row.workerId, seq: row.seq, ...decodeWindow(row.data) };
  // A row from before the binary encoding: its figures are in the legacy columns.
  const latency = row.histogram ? decodeHistogramBytes(row.histogram) : createLatencyHistogram();
  const statusCodes = (row.statusCodes ?? {}) as StatusCounts;
  return {
    workerId: row.workerId,
    seq: row.seq,
    second: row.second,
    durationMs: row.durationMs ?? 1000,
    dropped: 0,
    steps: new Map([
      [
        LEGACY_STEP,
        {
          requests: latency.totalCount,
          bytesIn: Number(row.bytes ?? 0),
          bytesOut: 0,
          statusCodes,
          errors: { ...emptyErrorCounts(), ...((row.errors ?? {}) as Partial<ErrorCounts>) },
          checks: { passed: 0, failed: 0 },
          latency,
        },
      ],
    ]),
  };
}

/** A run's rows of run_windows in second order, a page at a time, as each second's windows. */
async function* legacySeconds(prisma: PrismaClient, runId: string, filter: WindowFilter, pageSize: number): AsyncGenerator<SecondWindows> {
  let cursor: { runId: string; workerId: string; seq: number } | undefined;
  let current: SecondWindows | undefined;
  // Each page moves the cursor past at least one row: the loop ends.
  for (;;) {
    const rows = await prisma.runWindow.findMany({
      where: {
        runId,
        ...(filter.workerId ? { workerId: filter.workerId } : {}),
        second: { ...(filter.fromSecond !== undefined ? { gte: filter.fromSecond } : {}), ...(filter.toSecond !== undefined ? { lt: filter.toSecond } : {}) },
      },
      orderBy: [{ second: 'asc' }, { workerId: 'asc' }, { seq: 'asc' }],
      take: pageSize,
      ...(cursor ? { cursor: { runId_workerId_seq: cursor }, skip: 1 } : {}),
      select: { workerId: true, seq: true, second: true, data: true, durationMs: true, bytes: true, statusCodes: true, errors: true, histogram: true },
    });
    for (const row of rows) {
      if (current && current.second !== row.second) yield current;
      if (!current || current.second !== row.second) current = { second: row.second, windows: [] };
      current.windows.push(legacyWindowOf(row));
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    cursor = { runId, workerId: last.workerId, seq: last.seq };
  }
  if (current) yield current;
}

const byShareThenSeq = (a: StoredWindow, b: StoredWindow): number => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : a.seq - b.seq);

/** Each second's windows from all the sources, each (share, seq) once, in (share, seq) order; seconds in order. */
async function* mergeSeconds(sources: AsyncGenerator<SecondWindows>[]): AsyncGenerator<StoredWindow[]> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  // Each turn takes at least one second from a source; each source ends: the loop ends.
  for (;;) {
    let second: number | undefined;
    for (const head of heads) if (!head.done && (second === undefined || head.value.second < second)) second = head.value.second;
    if (second === undefined) return;
    const kept = new Map<string, StoredWindow>();
    for (const [i, head] of heads.entries()) {
      if (head.done || head.value.second !== second) continue;
      for (const window of head.value.windows) {
        const key = `${window.workerId} ${window.seq}`;
        if (!kept.has(key)) kept.set(key, window);
      }
      heads[i] = await sources[i]!.next();
    }
    yield [...kept.values()].sort(byShareThenSeq);
  }
}

/**
 * Visits a run's stored windows, each (share, seq) once, in (second, share, seq) order (share ids compared as
 * JavaScript strings), holding a page of each table and one second's windows at a time.
 */
export async function forEachStoredWindow(
  prisma: PrismaClient,
  runId: string,
  filter: WindowFilter,
  visit: (window: StoredWindow) => void,
  page: WindowPage = DEFAULT_WINDOW_PAGE,
): Promise<void> {
  for await (const windows of mergeSeconds([packSeconds(prisma, runId, filter, page.packs), legacySeconds(prisma, runId, filter, page.rows)])) {
    for (const window of windows) visit(window);
  }
}
