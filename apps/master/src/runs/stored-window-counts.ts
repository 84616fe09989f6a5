import type { PrismaClient } from '../persistence/prisma.js';

/**
 * One statement, whatever the number of runs. For each run it compares the packs now with those counted before
 * ($2: their number, -1 for none; $3: their highest id) and counts, by PostgreSQL, from the packs' share-id and seq
 * arrays (never their bytes), each share's distinct windows — (second, share, seq) once, a copy always having the
 * same second — of:
 * - `same`: nothing, the packs have not changed;
 * - `added`: only the packs added above the highest id counted, less the windows already counted in packs (or
 *   legacy rows) of the same seconds. Valid only when the packs at or below that id are still the ones counted: a
 *   batch that committed after a later one may have a lower id;
 * - `all`: every pack and legacy row of the run (the first count, or after such a late commit).
 * A run with nothing to count has one row with a null share.
 */
const COUNT_WINDOWS = `WITH known AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS k(run_id, packs, max_id)
), versions AS (
  SELECT k.run_id, k.max_id AS known_max, count(p.id)::int AS packs, COALESCE(max(p.id), 0) AS max_id,
    CASE WHEN count(p.id) = k.packs AND COALESCE(max(p.id), 0) = k.max_id THEN 'same'
         WHEN count(p.id) FILTER (WHERE p.id <= k.max_id) = k.packs THEN 'added'
         ELSE 'all' END AS mode
  FROM known k LEFT JOIN run_window_packs p ON p.run_id = k.run_id
  GROUP BY k.run_id, k.packs, k.max_id
), fresh AS (
  SELECT p.run_id, p.second, u.share_id, u.seq
  FROM versions v JOIN run_window_packs p ON p.run_id = v.run_id AND (v.mode = 'all' OR p.id > v.known_max)
  CROSS JOIN LATERAL unnest(p.share_ids, p.seqs) AS u(share_id, seq)
  WHERE v.mode <> 'same'
  UNION
  SELECT w.run_id, w.second, w.worker_id, w.seq FROM versions v JOIN run_windows w ON w.run_id = v.run_id WHERE v.mode = 'all'
), counted_before AS (
  SELECT p.run_id, p.second, u.share_id, u.seq
  FROM versions v JOIN run_window_packs p ON p.run_id = v.run_id AND p.id <= v.known_max
  CROSS JOIN LATERAL unnest(p.share_ids, p.seqs) AS u(share_id, seq)
  WHERE v.mode = 'added' AND (p.run_id, p.second) IN (SELECT run_id, second FROM fresh)
  UNION ALL
  SELECT w.run_id, w.second, w.worker_id, w.seq FROM versions v JOIN run_windows w ON w.run_id = v.run_id
  WHERE v.mode = 'added' AND (w.run_id, w.second) IN (SELECT run_id, second FROM fresh)
), counted AS (
  SELECT run_id, share_id, count(*)::int AS windows FROM (SELECT * FROM fresh EXCEPT SELECT * FROM counted_before) new_windows GROUP BY run_id, share_id
)
SELECT v.run_id::text AS run_id, v.mode, v.packs, v.max_id::text AS max_id, c.share_id, c.windows
FROM versions v LEFT JOIN counted c ON c.run_id = v.run_id`;

interface CountRow {
  run_id: string;
  mode: 'same' | 'added' | 'all';
  packs: number;
  max_id: string;
  share_id: string | null;
  windows: number | null;
}

interface Counted {
  /** The run's packs when counted: their number and highest id (0 for none). */
  packs: number;
  maxId: string;
  counts: Map<string, number>;
}

/** Runs whose counts are kept: a few pages of the run list and the open runs. */
const CACHED_RUNS = 256;

/**
 * The number of windows stored for each share of a run (`windowsStored` in GET /runs and /runs/:id, and the
 * supervisor's check for missing windows: a copy must not count twice).
 *
 * Counting a run whole reads every pack's share ids and seqs (~8 bytes a window, compressed), inside PostgreSQL,
 * O(windows of the run) — a 1000-worker hour is 3.6 M windows. So counts are kept per run with the packs they were
 * counted at, and a later read counts only the packs added since (those above the highest id counted, checked
 * against the seconds they hold), which is what a run being written costs at each read; the check itself is an
 * index-only read of the run's packs (one per run, second and batch). A run is counted whole once per master
 * process, and again only if a batch committed late with an id below one already counted.
 */
export class StoredWindowCounts {
  private readonly counted = new Map<string, Counted>();

  constructor(private readonly prisma: PrismaClient) {}

  async of(runIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    if (runIds.length === 0) return result;
    // Taken now: another read may drop or replace them while this one waits.
    const cached = new Map(runIds.flatMap((id) => (this.counted.has(id) ? [[id, this.counted.get(id)!] as const] : [])));
    const rows = await this.prisma.$queryRawUnsafe<CountRow[]>(
      COUNT_WINDOWS,
      runIds,
      runIds.map((id) => cached.get(id)?.packs ?? -1),
      runIds.map((id) => cached.get(id)?.maxId ?? '0'),
    );
    const fresh = new Map<string, Counted>();
    for (const row of rows) {
      const before = cached.get(row.run_id);
      if (row.mode === 'same' && before) {
        result.set(row.run_id, before.counts);
        continue;
      }
      let counted = fresh.get(row.run_id);
      if (!counted) {
        // Added packs count on top of the counts kept, copied: a caller may still hold the kept map.
        const base = row.mode === 'added' && before ? new Map(before.counts) : new Map<string, number>();
        fresh.set(row.run_id, (counted = { packs: row.packs, maxId: row.max_id, counts: base }));
      }
      if (row.share_id !== null) counted.counts.set(row.share_id, (counted.counts.get(row.share_id) ?? 0) + (row.windows ?? 0));
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
