import { z } from 'zod';

/**
 * A pass/fail criterion of a run, such as `p(95) < 300ms`, `p(99.9) < 1s`,
 * `error_rate < 1%`, `rps > 500` or `checks > 99%`, judged on the data merged
 * over every worker — for the whole run, or for one named step.
 */
export const ThresholdSpecSchema = z
  .object({
    expression: z.string().trim().min(1, 'must not be empty').max(200),
    /** Judge only this step (request name) of the plan. */
    step: z.string().min(1).optional(),
    /** End the run as soon as this threshold fails. */
    abortOnFail: z.boolean().default(false),
    /** With abortOnFail: do not abort during the run's first seconds. */
    abortGraceSeconds: z.int().min(0).max(86_400).default(0),
  })
  .meta({ id: 'ThresholdSpec' });
export type ThresholdSpec = z.infer<typeof ThresholdSpecSchema>;

/** A threshold's state: whether it holds, and the value behind it. */
export const ThresholdOutcomeSchema = z
  .object({
    expression: z.string(),
    step: z.string().nullable(),
    ok: z.boolean(),
    /** In the threshold's base unit: µs for latency, a 0..1 fraction for rates, rps, a count. Null without data. */
    value: z.number().nullable(),
    /** The value for people, in the threshold's unit (e.g. `312.4ms`, `0.4%`). */
    display: z.string(),
  })
  .meta({ id: 'ThresholdOutcome' });
export type ThresholdOutcome = z.infer<typeof ThresholdOutcomeSchema>;

export const VerdictSchema = z.enum(['passed', 'failed']);
export type Verdict = z.infer<typeof VerdictSchema>;
