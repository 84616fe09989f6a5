import { z } from 'zod';
import { ErrorCountsSchema, StatusCountsSchema } from './window.js';

/** Latency figures in microseconds, read from one merged histogram. */
export const LatencySummarySchema = z
  .object({
    min: z.number(),
    mean: z.number(),
    stdev: z.number(),
    p50: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    p999: z.number(),
    max: z.number(),
  })
  .meta({ id: 'LatencySummary', description: 'Latency in microseconds' });
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

export const RunSummarySchema = z
  .object({
    requests: z.int(),
    bytes: z.int(),
    /** Seconds covered by the windows, from the first window's start to the last one's end. */
    durationSeconds: z.number(),
    /** Mean requests per second over `durationSeconds`. */
    rps: z.number(),
    latencyMicros: LatencySummarySchema,
    statusCodes: StatusCountsSchema,
    errors: ErrorCountsSchema,
    errorCount: z.int(),
    /** Errors / (responses + errors), from 0 to 1. */
    errorRate: z.number(),
  })
  .meta({ id: 'RunSummary' });
export type RunSummary = z.infer<typeof RunSummarySchema>;
