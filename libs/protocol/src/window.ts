import { z } from 'zod';

export const ERROR_KINDS = ['timeout', 'refused', 'reset', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const count = z.int().min(0);

export const ErrorCountsSchema = z.object({
  timeout: count,
  refused: count,
  reset: count,
  other: count,
});
export type ErrorCounts = z.infer<typeof ErrorCountsSchema>;

/** HTTP status code (as a string key) to the number of responses with it. */
export const StatusCountsSchema = z.record(z.string().regex(/^[1-5]\d\d$/, 'must be an HTTP status code'), count);
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

/** Counts of checks (assertions on responses) that passed and failed. */
export const CheckCountsSchema = z.object({ passed: count, failed: count });
export type CheckCounts = z.infer<typeof CheckCountsSchema>;
