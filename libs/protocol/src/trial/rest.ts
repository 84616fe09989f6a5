import { z } from 'zod';
import { TrialTraceSchema } from './trace.js';

/** The answer of `POST /api/v1/trials`: the traced iteration, and the worker that ran it. */
export const TrialResourceSchema = TrialTraceSchema.extend({
  trialId: z.string().uuid(),
  workerId: z.string(),
}).meta({ id: 'Trial' });
export type TrialResource = z.infer<typeof TrialResourceSchema>;

/** How long each request of a trial may take unless its step says otherwise (a run's default). */
export const TRIAL_DEFAULT_TIMEOUT_SECONDS = 10;
/** The longest a trial's iteration may take, its think times included. */
export const TRIAL_MAX_SECONDS = 120;
