import { z } from 'zod';
import { envelope, WorkerIdSchema } from './envelope.js';

export const WorkerCapabilitiesSchema = z
  .object({
    cores: z.int().min(1),
    memoryBytes: z.int().min(0),
    /** Most connections this worker will open at once. */
    maxConnections: z.int().min(1),
  })
  .meta({ id: 'WorkerCapabilities' });
export type WorkerCapabilities = z.infer<typeof WorkerCapabilitiesSchema>;

/** First message of a worker, and again whenever its transport reconnects. */
export const WorkerHelloSchema = z.object({
  ...envelope,
  type: z.literal('worker.hello'),
  workerId: WorkerIdSchema,
  host: z.string().min(1).max(255),
  version: z.string().min(1).max(64),
  capabilities: WorkerCapabilitiesSchema,
});
export type WorkerHello = z.infer<typeof WorkerHelloSchema>;
