import { z } from 'zod';
import { CheckCountsSchema, ErrorCountsSchema, StatusCountsSchema } from './window.js';

/** Latency figures in microseconds, read from one merged histogram. */
export const LatencySummarySchema = z
  .object({
    min: z.number(),
    mean: z.number(),
    stdev: z.number(),
    p50: z.number(),
    p75: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    p999: z.number(),
    max: z.number(),
  })
  .meta({ id: 'LatencySummary', description: 'Latency in microseconds' });
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/** Figures of a set of windows — a whole run, a time range, one step or one worker. */
const summaryFields = {
  /** Responses received, whatever their status. */
  requests: z.int(),
  bytesIn: z.int(),
  bytesOut: z.int(),
  /** Seconds covered by the windows, from the first window's start to the last one's end. */
  durationSeconds: z.number(),
  /** Mean responses per second over `durationSeconds`. */
  rps: z.number(),
  /** Null when no response was received. */
  latencyMicros: LatencySummarySchema.nullable(),
  statusCodes: StatusCountsSchema,
  errors: ErrorCountsSchema,
  errorCount: z.int(),
  /** Errors / (responses + errors), from 0 to 1. */
  errorRate: z.number(),
  checks: CheckCountsSchema,
};

export const StepSummarySchema = z.object(summaryFields).meta({ id: 'StepSummary' });
export type StepSummary = z.infer<typeof StepSummarySchema>;

export const RunSummarySchema = z
  .object({
    ...summaryFields,
    /**
     * Requests the open model planned but could not send because every
     * connection of the budget was busy; never sent, so not in `requests`.
     * Always 0 for the closed models.
     */
    dropped: z.int().min(0),
    /** The same figures for each named step (request) of the plan. */
    steps: z.record(z.string(), StepSummarySchema),
  })
  .meta({ id: 'RunSummary' });
export type RunSummary = z.infer<typeof RunSummarySchema>;
