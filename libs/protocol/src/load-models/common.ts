import { z } from 'zod';

/** Longest scenario or offset: a week, in seconds. */
export const MAX_SECONDS = 7 * 24 * 3600;

/** A duration in whole seconds, at least one. */
export const seconds = z.int({ error: 'must be a whole number of seconds' }).min(1).max(MAX_SECONDS);

/** When the scenario starts, in seconds after the run's start. */
export const startTime = z.int({ error: 'must be a whole number of seconds' }).min(0).max(MAX_SECONDS).default(0);

/** A scenario's name: it tells scenarios apart in the run record and the logs. */
export const scenarioName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[A-Za-z0-9_. -]+$/, 'may hold letters, digits, spaces, "_", "." and "-" only');

/** One stage: move linearly to `target` (VUs or requests per second) over `duration` seconds. */
export const StageSchema = z.object({ duration: seconds, target: z.int().min(0).max(1_000_000) }).meta({ id: 'Stage' });
export type Stage = z.infer<typeof StageSchema>;

export const stagesList = z.array(StageSchema).min(1, 'needs at least one stage').max(100);

/** How many connections an open model may keep busy at once, over the whole run. */
export const maxVUs = z.int().min(1).max(100_000);

/** The most a scenario's `gracefulStop` may be, in seconds. */
export const MAX_GRACEFUL_STOP_SECONDS = 600;

/**
 * k6's gracefulStop: when the scenario's duration is over, iterations in
 * progress may go on for this many seconds (no new one starts); a request still
 * unanswered then counts as an `interrupted` error. Absent: 10 s (the run's
 * resolved load states it).
 */
export const gracefulStop = z
  .int({ error: 'must be a whole number of seconds' })
  .min(0, 'must be at least 0 seconds')
  .max(MAX_GRACEFUL_STOP_SECONDS, `must be at most ${MAX_GRACEFUL_STOP_SECONDS} seconds`)
  .optional()
  .meta({
    description:
      'Seconds the iterations in progress at the end of the scenario may take to finish (0-600, default 10); a request still unanswered then counts as an `interrupted` error',
  });
