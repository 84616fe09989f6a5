import { z } from 'zod';
import { WindowDataSchema } from '../window.js';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';

/**
 * One second of one worker's measurements. `(runId, workerId, seq)` identifies it,
 * so a redelivered window is recognised and ignored.
 */
export const RunWindowSchema = z.object({
  ...envelope,
  ...WindowDataSchema.shape,
  type: z.literal('run.window'),
  runId: RunIdSchema,
  workerId: WorkerIdSchema,
  /** 0, 1, 2, … per worker and run, without gaps. */
  seq: z.int().min(0),
});
export type RunWindow = z.infer<typeof RunWindowSchema>;
