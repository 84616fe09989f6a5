import { z } from 'zod';

/**
 * Why a request got no answer. `interrupted`: it was in flight when its
 * scenario ended and still unanswered after the scenario's `gracefulStop`, or
 * when the run was stopped (POST /stop, an abort, a worker shutting down).
 * `blocked`: the worker did not send it, its URL not being the target it
 * checked against its allowlist and pinned (another host, given by a template).
 */
export const ERROR_KINDS = ['timeout', 'refused', 'reset', 'other', 'interrupted', 'blocked'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const count = z.int().min(0);

export const ErrorCountsSchema = z.object({
  timeout: count,
  refused: count,
  reset: count,
  other: count,
  /** Absent from summaries stored before the kind existed: read as 0. */
  interrupted: count.default(0).meta({ description: "Requests still unanswered when the scenario's gracefulStop was over, or when the run was stopped" }),
  /** Absent from summaries stored before the kind existed: read as 0. */
  blocked: count
    .default(0)
    .meta({ description: 'Requests the worker refused to send: their URL was not the target it had checked against its allowlist (another host)' }),
});
export type ErrorCounts = z.infer<typeof ErrorCountsSchema>;

/** HTTP status code (as a string key) to the number of responses with it. */
export const StatusCountsSchema = z.record(z.string().regex(/^[1-5]\d\d$/, 'must be an HTTP status code'), count);
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

/** Counts of checks (assertions on responses) that passed and failed. */
export const CheckCountsSchema = z.object({ passed: count, failed: count });
export type CheckCounts = z.infer<typeof CheckCountsSchema>;
