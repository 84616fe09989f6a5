import type pg from 'pg';
import type { ReceivedWindow } from './run-repository.js';

/**
 * One statement per batch, whatever its size: the packs go as arrays and their windows as four more (each window
 * naming its pack's position), which PostgreSQL unnests and gathers back per pack, so the statement text (and its
 * plan) is always the same, with no placeholder per row or window. The packs' bytes go as one binary parameter, each
 * pack its (start, length) in it: pg sends a bytea[] as text, every byte as two hex digits.
 */
const INSERT_PACKS = `INSERT INTO run_window_packs (run_id, second, windows, share_ids, seqs, sizes, data)
SELECT p.run_id, p.second, p.windows, w.share_ids, w.seqs, w.sizes, substring($4::bytea FROM p.start FOR p.length)
FROM unnest($1::uuid[], $2::int[], $3::int[], $9::int[], $10::int[]) WITH ORDINALITY AS p(run_id, second, windows, start, length, pack)
JOIN (
  SELECT pack, array_agg(share_id ORDER BY i) AS share_ids, array_agg(seq ORDER BY i) AS seqs, array_agg(size ORDER BY i) AS sizes
  FROM unnest($5::int[], $6::text[], $7::int[], $8::int[]) WITH ORDINALITY AS w(pack, share_id, seq, size, i)
  GROUP BY pack
) w USING (pack)`;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The windows of one run and second in a batch, in share-id order (then seq). */
export interface Pack {
  runId: string;
  second: number;
  shareIds: string[];
  seqs: number[];
  data: Uint8Array[];
}

/**
 * A batch's windows grouped into packs, one per run and second. A copy of a window already in the batch (same run,
 * share and seq: a redelivery that came before the first was acknowledged) is left out; copies stored by other
 * batches are left to the readers, who count each (run, share, seq) once.
 */
export function packsOf(rows: readonly ReceivedWindow[]): Pack[] {
  const packs = new Map<string, Pack>();
  const seen = new Set<string>();
  for (const { window, bytes, measured } of rows) {
    const windowKey = `${window.runId} ${window.workerId} ${window.seq}`;
    if (seen.has(windowKey)) continue;
    seen.add(windowKey);
    const packKey = `${window.runId} ${measured.second}`;
    let pack = packs.get(packKey);
    if (!pack) packs.set(packKey, (pack = { runId: window.runId, second: measured.second, shareIds: [], seqs: [], data: [] }));
    pack.shareIds.push(window.workerId);
    pack.seqs.push(window.seq);
    pack.data.push(bytes);
  }
  // Neighbouring share ids are alike (`host-a`, `host-b`…): in order, PostgreSQL's compression of the array finds
  // their common part. Readers do not depend on the order within a pack.
  for (const pack of packs.values()) {
    const order = pack.seqs.map((_, i) => i).sort((a, b) => compareText(pack.shareIds[a]!, pack.shareIds[b]!) || pack.seqs[a]! - pack.seqs[b]!);
    pack.shareIds = order.map((i) => pack.shareIds[i]!);
    pack.seqs = order.map((i) => pack.seqs[i]!);
    pack.data = order.map((i) => pack.data[i]!);
  }
  return [...packs.values()];
}

/** Stores decoded windows through pg directly, packed: the ingest's hot path, where Prisma's per-row mapping cost most of the master's time. */
export class WindowPacks {
  constructor(private readonly pool: pg.Pool) {}

  async insert(rows: readonly ReceivedWindow[]): Promise<void> {
    const packs = packsOf(rows);
    if (packs.length === 0) return;
    const windowPack: number[] = [];
    const shareIds: string[] = [];
    const seqs: number[] = [];
    const sizes: number[] = [];
    packs.forEach((pack, index) => {
      for (const [i, data] of pack.data.entries()) {
        windowPack.push(index + 1);
        shareIds.push(pack.shareIds[i]!);
        seqs.push(pack.seqs[i]!);
        sizes.push(data.length);
      }
    });
    const starts: number[] = [];
    const lengths: number[] = [];
    let start = 1; // substring counts from 1
    for (const pack of packs) {
      let length = 0;
      for (const data of pack.data) length += data.length;
      starts.push(start);
      lengths.push(length);
      start += length;
    }
    await this.pool.query(INSERT_PACKS, [
      packs.map((p) => p.runId),
      packs.map((p) => p.second),
      packs.map((p) => p.data.length),
      Buffer.concat(packs.flatMap((p) => p.data)),
      windowPack,
      shareIds,
      seqs,
      sizes,
      starts,
      lengths,
    ]);
  }
}
