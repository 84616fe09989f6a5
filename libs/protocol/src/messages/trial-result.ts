import { z } from 'zod';
import { TrialTraceSchema } from '../trial/trace.js';
import { envelope, WorkerIdSchema } from './envelope.js';

/** A worker's answer to trial.assign: the trace of the iteration it ran (or why it could not run it, in `trace.failure`). */
export const TrialResultSchema = z.object({
  ...envelope,
  type: z.literal('trial.result'),
  trialId: z.string().uuid(),
  workerId: WorkerIdSchema,
  trace: TrialTraceSchema,
});
export type TrialResultMessage = z.infer<typeof TrialResultSchema>;
