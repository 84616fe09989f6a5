import { z } from 'zod';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';

export const WorkerActivitySchema = z.enum(['idle', 'busy']);
export type WorkerActivity = z.infer<typeof WorkerActivitySchema>;

/** Sent every second. A worker that stops sending them is marked missing. */
export const WorkerHeartbeatSchema = z.object({
  ...envelope,
  type: z.literal('worker.heartbeat'),
  workerId: WorkerIdSchema,
  activity: WorkerActivitySchema,
  runId: RunIdSchema.nullable(),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;
