import { z } from 'zod';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';
import { SharePartSchema } from './share-part.js';

/**
 * `left`: the worker is shutting down (SIGTERM) and ended its share early, after publishing its partial window.
 * `interrupted`: the worker heard nothing from the master for its grace period and stopped its share.
 */
export const WorkerRunStateSchema = z.enum(['started', 'finished', 'stopped', 'failed', 'left', 'interrupted']);
export type WorkerRunState = z.infer<typeof WorkerRunStateSchema>;

/** A worker's progress through its share of a run. */
export const RunStateSchema = z.object({
  ...envelope,
  type: z.literal('run.state'),
  runId: RunIdSchema,
  workerId: WorkerIdSchema,
  state: WorkerRunStateSchema,
  /** On an end state: how many windows the worker published (seq 0 … windows-1). */
  windows: z.int().min(0).optional(),
  reason: z.string().max(2000).optional(),
  /** The part of the run this state is about, when it is not the worker's own share. */
  part: SharePartSchema.optional(),
});
export type RunStateMessage = z.infer<typeof RunStateSchema>;
