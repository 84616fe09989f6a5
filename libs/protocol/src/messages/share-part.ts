import { z } from 'zod';

/**
 * A part of a lost worker's segment that the master gave to a worker already
 * running a share of the same run (onWorkerLoss: rebalance with no idle
 * worker): 1, 2, … per worker and run. A worker runs it beside its own share,
 * and its assignment, windows and states carry the part; without one, a
 * message is about the worker's own share.
 */
export const SharePartSchema = z.int().min(1).max(1000);
export type SharePart = z.infer<typeof SharePartSchema>;

/** Separates a worker's id from a part in a share id; worker ids cannot hold it (WorkerIdSchema). */
const PART_SEPARATOR = '~';

/** The id a share is stored and reported under: the worker's id, or `<workerId>~<part>` for a part. */
export function shareId(workerId: string, part?: number | null): string {
  return part === undefined || part === null ? workerId : `${workerId}${PART_SEPARATOR}${part}`;
}

/** What the ids of a worker's parts begin with (to find them by prefix). */
export function partIdPrefix(workerId: string): string {
  return `${workerId}${PART_SEPARATOR}`;
}

/** The worker and part of a share id (shareId's inverse); part null for a worker's own share. */
export function parseShareId(id: string): { workerId: string; part: number | null } {
  const at = id.lastIndexOf(PART_SEPARATOR);
  if (at < 0) return { workerId: id, part: null };
  const part = Number(id.slice(at + 1));
  return Number.isInteger(part) && part >= 1 ? { workerId: id.slice(0, at), part } : { workerId: id, part: null };
}
