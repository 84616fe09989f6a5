import type pg from 'pg';

/**
 * Each share's distinct windows of each run (its (share, seq) pairs, in packs and legacy rows together), counted
 * by PostgreSQL from the packs' share-id and seq arrays, without reading the windows' bytes.
 */
const COUNT_WINDOWS = `SELECT run_id::text AS run_id, share_id, count(*)::int AS windows FROM (
  SELECT p.run_id, u.share_id, u.seq FROM run_window_packs p CROSS JOIN LATERAL unnest(p.share_ids, p.seqs) AS u(share_id, seq) WHERE p.run_id = ANY($1::uuid[])
  UNION
  SELECT run_id, worker_id, seq FROM run_windows WHERE run_id = ANY($1::uuid[])
) stored GROUP BY run_id, share_id`;

/** What says whether a run's counts may have changed: its number of packs and their highest id (an index-only read). */
const PACK_VERSIONS = `SELECT r.id::text AS run_id, count(p.id)::int AS packs, COALESCE(max(p.id), 0)::text AS max_id
FROM unnest($1::uuid[]) AS r(id) LEFT JOIN run_window_packs p ON p.run_id = r.id GROUP BY r.id`;

interface Counted {
  version: string;
  counts: Map<string, number>;
}

/** Runs whose counts are kept: a page of the run list and a few open runs. */
const CACHED_RUNS = 256;

/**
 * The number of windows stored for each share of a run (`windowsStored` in GET /runs and /runs/:id, and the
 * supervisor's check for missing windows: a copy must not count twice).
 *
 * Counting is exact but reads every pack's share ids and seqs: about 10–20 bytes a window, done inside PostgreSQL,
 * O(windows of the run) — a 1000-worker hour is 3.6 M windows. So counts are kept per run and recounted only when
 * the run's packs changed (packs are only ever added, and any commit adds one to their number, whatever its id);
 * the check is an index-only read of the run's packs (one per run, second and batch). An ended run is counted once
 * per master process; a run being written is recounted at each read, a cost that grows with the run.
 */
export class StoredWindowCounts {
  private readonly counted = new Map<string, Counted>();

  constructor(private readonly pool: pg.Pool) {}

  async of(runIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    if (runIds.length === 0) return result;
    const { rows: versions } = await this.pool.query<{ run_id: string; packs: number; max_id: string }>(PACK_VERSIONS, [runIds]);
    const stale = new Map<string, string>();
    for (const { run_id: runId, packs, max_id: maxId } of versions) {
      const version = `${packs}/${maxId}`;
      const cached = this.counted.get(runId);
      if (cached?.version === version) {
        // Most recently used last: the first entry is the one to drop.
        this.counted.delete(runId);
        this.counted.set(runId, cached);
        result.set(runId, cached.counts);
      } else stale.set(runId, version);
    }
    if (stale.size > 0) {
      const { rows } = await this.pool.query<{ run_id: string; share_id: string; windows: number }>(COUNT_WINDOWS, [[...stale.keys()]]);
      const fresh = new Map<string, Map<string, number>>([...stale.keys()].map((id) => [id, new Map<string, number>()]));
      for (const row of rows) fresh.get(row.run_id)?.set(row.share_id, row.windows);
      for (const [runId, counts] of fresh) {
        result.set(runId, counts);
        this.counted.delete(runId);
        this.counted.set(runId, { version: stale.get(runId)!, counts });
      }
      for (const runId of this.counted.keys()) {
        if (this.counted.size <= CACHED_RUNS) break;
        this.counted.delete(runId);
      }
    }
    return result;
  }
}
