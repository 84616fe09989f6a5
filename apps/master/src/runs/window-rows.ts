import type pg from 'pg';
import type { ReceivedWindow } from './run-repository.js';

/**
 * One statement per batch, whatever its size: the columns go as six arrays and PostgreSQL unnests them into rows, so
 * the statement text (and its plan) is always the same, with no placeholder per row. A redelivered window (same run,
 * share and seq) is ignored by the primary key.
 */
const INSERT_WINDOWS = `INSERT INTO run_windows (run_id, worker_id, seq, second, requests, data)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::int[], $6::bytea[])
ON CONFLICT DO NOTHING`;

/** Stores decoded windows in batches through pg directly: the ingest's hot path, where Prisma's per-row mapping cost most of the master's time. */
export class WindowRows {
  constructor(private readonly pool: pg.Pool) {}

  async insert(rows: readonly ReceivedWindow[]): Promise<void> {
    if (rows.length === 0) return;
    const runIds: string[] = [];
    const shareIds: string[] = [];
    const seqs: number[] = [];
    const seconds: number[] = [];
    const requests: number[] = [];
    const data: Buffer[] = [];
    for (const { window, measured } of rows) {
      let count = 0;
      for (const step of measured.steps.values()) count += step.requests;
      runIds.push(window.runId);
      shareIds.push(window.workerId);
      seqs.push(window.seq);
      seconds.push(measured.second);
      requests.push(count);
      data.push(Buffer.from(window.data, 'base64'));
    }
    await this.pool.query(INSERT_WINDOWS, [runIds, shareIds, seqs, seconds, requests, data]);
  }
}
