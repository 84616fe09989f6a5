import type pg from 'pg';

/** Only an `assigned` share starts: a late `started` must not undo an end (see RunRepository.setWorkerState). */
const MARK_STARTED = `UPDATE run_workers AS w SET state = 'started'
FROM unnest($1::uuid[], $2::text[]) AS s(run_id, worker_id)
WHERE w.run_id = s.run_id AND w.worker_id = s.worker_id AND w.state = 'assigned'
RETURNING w.run_id, w.worker_id`;

/** Statements at once at most: each holds a pool connection, and windows need theirs. */
const MAX_BATCH = 1000;

interface Pending {
  runId: string;
  shareId: string;
  resolve(moved: boolean): void;
  reject(error: unknown): void;
}

/**
 * Every share of a run says `started` within the same moment, a thousand or more at once: one UPDATE per share,
 * through Prisma, was seconds of the master's time at each start, and the first seconds' windows waited behind them.
 * Here the shares that say so within one turn of the event loop are marked by one statement through pg.
 */
export class StartedShares {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly pool: pg.Pool) {}

  /** Resolves true if the share moved from `assigned` to `started` (false: unknown, or already further). */
  mark(runId: string, shareId: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ runId, shareId, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let from = 0; from < queue.length; from += MAX_BATCH) await this.markBatch(queue.slice(from, from + MAX_BATCH));
  }

  private async markBatch(batch: Pending[]): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ run_id: string; worker_id: string }>(MARK_STARTED, [batch.map((p) => p.runId), batch.map((p) => p.shareId)]);
      const moved = new Set(rows.map((row) => `${row.run_id} ${row.worker_id}`));
      // A share named twice in the batch (a redelivered copy) moved once: only its first asker is told so.
      for (const p of batch) {
        const key = `${p.runId} ${p.shareId}`;
        p.resolve(moved.delete(key));
      }
    } catch (error) {
      for (const p of batch) p.reject(new Error(`cannot mark ${batch.length} shares started: ${(error as Error).message}`, { cause: error }));
    }
  }
}
