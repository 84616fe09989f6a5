import { z } from 'zod';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';

export const WorkerActivitySchema = z.enum(['idle', 'busy']);
export type WorkerActivity = z.infer<typeof WorkerActivitySchema>;

/** A worker says it is there this often (a heartbeat, or a window while it runs a share). */
export const HEARTBEAT_INTERVAL_MS = 1000;
/**
 * While a worker publishes windows, each one stands for its heartbeat: it sends a heartbeat only once this long has
 * passed since its last window (and HEARTBEAT_INTERVAL_MS since its last heartbeat). Windows close on the second,
 * late by a few ms of timer jitter; the 10 % slack keeps that jitter from letting a heartbeat slip in before each.
 * The master counts a window as the worker heard from: at 1000 workers this halves its messages and the broker's.
 */
export const HEARTBEAT_AFTER_WINDOW_MS = 1100;
/**
 * A heartbeat is worthless once stale: the broker drops one that waited this long in a queue. A window, which is
 * kept, says the worker is there only as long as a heartbeat would have: no older.
 */
export const HEARTBEAT_EXPIRATION_MS = 10_000;

/**
 * Sent every second, but not while the worker's windows stand for it (HEARTBEAT_AFTER_WINDOW_MS). A worker
 * that sends neither is marked missing.
 */
export const WorkerHeartbeatSchema = z.object({
  ...envelope,
  type: z.literal('worker.heartbeat'),
  workerId: WorkerIdSchema,
  activity: WorkerActivitySchema,
  runId: RunIdSchema.nullable(),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;
