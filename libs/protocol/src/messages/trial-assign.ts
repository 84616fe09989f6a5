import { z } from 'zod';
import { PlanObjectSchema } from '../plan/index.js';
import { TRIAL_MAX_SECONDS } from '../trial/rest.js';
import { envelope, WorkerIdSchema } from './envelope.js';

/**
 * Tells one idle worker to run a single iteration of a plan with one virtual
 * user, through the same generator a run uses, and to answer with its trace
 * (trial.result). Sent on that worker's own queue. Nothing of it is stored.
 */
export const TrialAssignSchema = z.object({
  ...envelope,
  type: z.literal('trial.assign'),
  trialId: z.string().uuid(),
  workerId: WorkerIdSchema,
  plan: PlanObjectSchema,
  /** Each request's timeout unless its step sets its own, as a run's `timeoutSeconds`. */
  timeoutSeconds: z.int().min(1).max(600),
  /** The longest the iteration may take, think times included; what is still in flight then counts as `interrupted`. */
  iterationSeconds: z.int().min(1).max(TRIAL_MAX_SECONDS),
});
export type TrialAssign = z.infer<typeof TrialAssignSchema>;
