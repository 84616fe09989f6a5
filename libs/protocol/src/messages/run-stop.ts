import { z } from 'zod';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';

export const RunStopSchema = z.object({
  ...envelope,
  type: z.literal('run.stop'),
  runId: RunIdSchema,
  workerId: WorkerIdSchema,
  reason: z.string().max(500).optional(),
});
export type RunStop = z.infer<typeof RunStopSchema>;
