import { parseShareId, type WorkerShareState } from '@loadtest/protocol';
import type pg from 'pg';
import { TurnBatch } from '../persistence/turn-batch.js';

/**
 * A share moves on from `assigned`, and from `started` to an end; never back (a late `started` must not undo an
 * end) and never from one end to another. `windows_reported` and `reason` are kept when not given.
 */
const SET_STATES = `UPDATE run_workers AS w
SET state = s.state, windows_reported = COALESCE(s.windows, w.windows_reported), reason = COALESCE(s.reason, w.reason)
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) AS s(run_id, worker_id, state, windows, reason, n)
WHERE w.run_id = s.run_id AND w.worker_id = s.worker_id AND (w.state = 'assigned' OR (w.state = 'started' AND s.state <> 'started'))
RETURNING s.n`;

/** The open shares (its own, its parts `<workerId>~<part>`) of each (run, worker) asked about. */
const OPEN_SHARES_OF_WORKERS = `SELECT q.run_id, w.worker_id
FROM unnest($1::uuid[], $2::text[]) AS q(run_id, worker)
JOIN run_workers AS w ON w.run_id = q.run_id AND (w.worker_id = q.worker OR left(w.worker_id, length(q.worker) + 1) = q.worker || '~')
WHERE w.state IN ('assigned', 'started')`;

export interface ShareStateChange {
  runId: string;
  shareId: string;
  state: WorkerShareState;
  windowsReported?: number;
  reason?: string;
}

/**
 * The shares' states, written and read in batches through pg: every share of a run says `started` within the same
 * moment, and `finished` within the next, a thousand or more at once; one Prisma statement (and a read) each made a
 * 2500-worker run end 8.5 s after its planned end.
 */
export class ShareStates {
  private readonly changes: TurnBatch<ShareStateChange, boolean>;
  private readonly openShares: TurnBatch<{ runId: string; workerId: string }, boolean>;

  constructor(private readonly pool: pg.Pool) {
    this.changes = new TurnBatch((batch) => this.setStates(batch), 'set share states');
    this.openShares = new TurnBatch((batch) => this.haveOpenShares(batch), 'read open shares');
  }

  /** Resolves true if the share moved to `state` (false: unknown, or already further). */
  set(change: ShareStateChange): Promise<boolean> {
    return this.changes.ask(change);
  }

  /** Whether the worker still has a share of the run open (its own or a part). */
  hasOpenShareOfWorker(runId: string, workerId: string): Promise<boolean> {
    return this.openShares.ask({ runId, workerId });
  }

  /**
   * In rounds, each naming a share once: a statement that named a share twice would apply one of the two, unsaid
   * which (a `started` and a `finished` redelivered together after a restart). The rounds keep each share's order.
   */
  private async setStates(batch: ShareStateChange[]): Promise<boolean[]> {
    const moved = new Array<boolean>(batch.length).fill(false);
    const rounds: number[][] = [];
    const seen = new Map<string, number>();
    batch.forEach((change, i) => {
      const key = `${change.runId} ${change.shareId}`;
      const round = seen.get(key) ?? 0;
      seen.set(key, round + 1);
      (rounds[round] ??= []).push(i);
    });
    for (const round of rounds) {
      const changes = round.map((i) => batch[i]!);
      const { rows } = await this.pool.query<{ n: number }>(SET_STATES, [
        changes.map((c) => c.runId),
        changes.map((c) => c.shareId),
        changes.map((c) => c.state),
        changes.map((c) => c.windowsReported ?? null),
        changes.map((c) => c.reason ?? null),
        round,
      ]);
      for (const row of rows) moved[row.n] = true;
    }
    return moved;
  }

  private async haveOpenShares(batch: { runId: string; workerId: string }[]): Promise<boolean[]> {
    const { rows } = await this.pool.query<{ run_id: string; worker_id: string }>(OPEN_SHARES_OF_WORKERS, [
      batch.map((q) => q.runId),
      batch.map((q) => q.workerId),
    ]);
    // A worker id may itself hold a `~`: the share id is parsed as everywhere else to say whose it is.
    const open = new Set(rows.map((row) => `${row.run_id} ${parseShareId(row.worker_id).workerId}`));
    return batch.map((q) => open.has(`${q.runId} ${q.workerId}`));
  }
}
