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

/**
 * What one worker measured during one second of a run. Windows from any
 * workers and seconds merge exactly: counters add, histograms add.
 */
export const WindowDataSchema = z.object({
  /** Whole seconds since the run's start instant. */
  second: z.int().min(0),
  /** Length of the window in ms: 1000, except for a run's last, partial window. */
  durationMs: z.int().min(0).max(60_000),
  /** Responses received, whatever their status. Errors are counted apart. */
  requests: count,
  /** Response bytes received. */
  bytes: count,
  statusCodes: StatusCountsSchema,
  errors: ErrorCountsSchema,
  /** Latencies in microseconds: an HDR histogram, compressed and base64-encoded. */
  histogram: z.string(),
});
export type WindowData = z.infer<typeof WindowDataSchema>;
