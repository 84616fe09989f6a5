import type { PrismaClient } from '../persistence/prisma.js';

/**
 * One statement, whatever the number of runs: for each run, its version (its number of packs and their highest id,
 * read from the primary key) and, for each run whose version is not the one given ($2, '' for none), each share's
 * distinct windows — its (share, seq) pairs, in packs and legacy rows together, counted by PostgreSQL from the
 * packs' share-id and seq arrays, never their bytes. A run with nothing to count has one row with a null share.
 */
const COUNT_WINDOWS = `WITH versions AS (
  SELECT r.run_id, r.known, count(p.id)::text || '/' || COALESCE(max(p.id), 0)::text AS version
  FROM unnest($1::uuid[], $2::text[]) AS r(run_id, known)
  LEFT JOIN run_window_packs p ON p.run_id = r.run_id
  GROUP BY r.run_id, r.known
), stale AS (
  SELECT run_id FROM versions WHERE version <> known
), stored AS (
  SELECT p.run_id, u.share_id, u.seq FROM run_window_packs p CROSS JOIN LATERAL unnest(p.share_ids, p.seqs) AS u(share_id, seq)
  WHERE p.run_id IN (SELECT run_id FROM stale)
  UNION
  SELECT run_id, worker_id, seq FROM run_windows WHERE run_id IN (SELECT run_id FROM stale)
), counted AS (
  SELECT run_id, share_id, count(*)::int AS windows FROM stored GROUP BY run_id, share_id
)
SELECT v.run_id::text AS run_id, v.version, v.version <> v.known AS counted, c.share_id, c.windows
FROM versions v LEFT JOIN counted c ON c.run_id = v.run_id`;

interface CountRow {
  run_id: string;
  version: string;
  counted: boolean;
  share_id: string | null;
  windows: number | null;
}

interface Counted {
  version: string;
  counts: Map<string, number>;
}

/** Runs whose counts are kept: a few pages of the run list and the open runs. */
const CACHED_RUNS = 256;

/**
 * The number of windows stored for each share of a run (`windowsStored` in GET /runs and /runs/:id, and the
 * supervisor's check for missing windows: a copy must not count twice).
 *
 * Counting is exact but reads every pack's share ids and seqs (~8 bytes a window, compressed), inside PostgreSQL,
 * O(windows of the run) — a 1000-worker hour is 3.6 M windows. So counts are kept per run with the version they
 * were counted at, and recounted only when the run's packs changed: packs are only ever added, and each commit adds
 * one to their number, whatever its id. The version check is an index-only read of the run's packs (one per run,
 * second and batch), in the same statement. An ended run is counted once per master process; a run being written
 * is recounted at each read, a cost that grows with the run.
 */
export class StoredWindowCounts {
  private readonly counted = new Map<string, Counted>();

  constructor(private readonly prisma: PrismaClient) {}

  async of(runIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    if (runIds.length === 0) return result;
    // Taken now: another read may drop or replace them while this one waits.
    const cached = new Map(runIds.flatMap((id) => (this.counted.has(id) ? [[id, this.counted.get(id)!] as const] : [])));
    const known = runIds.map((id) => cached.get(id)?.version ?? '');
    const rows = await this.prisma.$queryRawUnsafe<CountRow[]>(COUNT_WINDOWS, runIds, known);
    const fresh = new Map<string, Counted>();
    for (const row of rows) {
      if (!row.counted) {
        result.set(row.run_id, cached.get(row.run_id)!.counts);
        continue;
      }
      let counted = fresh.get(row.run_id);
      if (!counted) fresh.set(row.run_id, (counted = { version: row.version, counts: new Map() }));
      if (row.share_id !== null) counted.counts.set(row.share_id, row.windows ?? 0);
    }
    for (const [runId, counted] of fresh) {
      result.set(runId, counted.counts);
      this.counted.set(runId, counted);
    }
    // Most recently used last: re-inserted, so that the first entries are the ones to drop.
    for (const runId of runIds) {
      const counted = this.counted.get(runId);
      if (!counted) continue;
      this.counted.delete(runId);
      this.counted.set(runId, counted);
    }
    for (const runId of this.counted.keys()) {
      if (this.counted.size <= CACHED_RUNS) break;
      this.counted.delete(runId);
    }
    return result;
  }
}
