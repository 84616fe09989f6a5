import { z } from 'zod';
import { RunLoadSchema } from './load.js';
import { RunStatusSchema, RunWorkerResourceSchema, TimelinePointSchema } from './rest.js';
import { RunSummarySchema, StepSummarySchema } from './summary.js';
import { VerdictSchema } from './thresholds.js';

/**
 * Version of the run report's JSON (`GET /runs/:id/report.json`, `loadtest report --json`). A reader checks it
 * before it trusts the shape; a change that a reader of version 1 could misread takes a new number.
 * See docs/report-format.md.
 */
export const REPORT_FORMAT_VERSION = 1 as const;

const timestamp = z.iso.datetime();

/** Who the run was, in one place: what a report's header and a JUnit suite's name are made of. */
export const ReportRunSchema = z
  .object({
    id: z.string(),
    /** Null once the plan has been deleted. */
    planId: z.string().nullable(),
    /** The plan's name when the run started (from the run's snapshot of the plan). */
    planName: z.string(),
    state: RunStatusSchema,
    /** Null until the run has ended. */
    verdict: VerdictSchema.nullable(),
    createdAt: timestamp,
    startAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    /** Why the run ended as it did, when it says. */
    error: z.string().nullable(),
  })
  .meta({ id: 'ReportRun' });
export type ReportRun = z.infer<typeof ReportRunSchema>;

/** One HTTP request step of the plan as the report shows it: no headers, variables or bodies (they may hold secrets). */
export const ReportPlanStepSchema = z
  .object({
    name: z.string(),
    method: z.string(),
    /** The step's URL template as written (a path under the base URL, or an absolute URL). */
    url: z.string(),
    /** Each of the step's checks, described (`status in 200, 201`, `body contains "ok"`, its own name when it has one). */
    checks: z.array(z.string()),
  })
  .meta({ id: 'ReportPlanStep' });
export type ReportPlanStep = z.infer<typeof ReportPlanStepSchema>;

export const ReportPlanSchema = z
  .object({
    name: z.string(),
    /** The plan's base URL without any user name or password it carried. */
    baseUrl: z.string(),
    /** Every HTTP step of the plan, depth first (inside groups and branches too). */
    steps: z.array(ReportPlanStepSchema),
  })
  .meta({ id: 'ReportPlan' });
export type ReportPlan = z.infer<typeof ReportPlanSchema>;

/** A threshold with its outcome: what it asked, for which step, and the value that decided it. */
export const ReportThresholdSchema = z
  .object({
    expression: z.string(),
    /** Null: judged on the whole run. */
    step: z.string().nullable(),
    abortOnFail: z.boolean(),
    /** Null when it was never judged (the run had no data, or has not ended). */
    ok: z.boolean().nullable(),
    /** In the threshold's base unit: µs for latency, a 0..1 fraction for rates, rps, a count. */
    value: z.number().nullable(),
    /** The value for people, in the threshold's unit (e.g. `312.4ms`); empty when never judged. */
    display: z.string(),
  })
  .meta({ id: 'ReportThreshold' });
export type ReportThreshold = z.infer<typeof ReportThresholdSchema>;

/**
 * The checks of one step, counted over the whole run. Checks are counted per step (the windows carry one
 * passed/failed pair per step), so a step with several checks has one line, listing the checks it ran.
 */
export const ReportCheckSchema = z
  .object({
    step: z.string(),
    /** The step's checks as the plan describes them; empty when the plan no longer says (a legacy run). */
    checks: z.array(z.string()),
    passed: z.int().min(0),
    failed: z.int().min(0),
    /** True when no check of the step failed. */
    ok: z.boolean(),
  })
  .meta({ id: 'ReportCheck' });
export type ReportCheck = z.infer<typeof ReportCheckSchema>;

/** A worker's share of the run and the figures of its own windows. */
export const ReportWorkerSchema = RunWorkerResourceSchema.extend({
  /** The figures of this share's windows; null when it stored none. */
  summary: StepSummarySchema.nullable(),
}).meta({ id: 'ReportWorker' });
export type ReportWorker = z.infer<typeof ReportWorkerSchema>;

/** One bar of the response-time distribution: the responses whose latency was in [fromMicros, toMicros). */
export const LatencyBucketSchema = z
  .object({ fromMicros: z.number().min(0), toMicros: z.number().min(0), count: z.number().min(0) })
  .meta({ id: 'LatencyBucket' });
export type LatencyBucket = z.infer<typeof LatencyBucketSchema>;

/**
 * The response-time distribution of the whole run. `histogram`: counted from the run's merged latency histogram
 * (exact to HDR's 3 significant digits); `percentiles`: estimated from the summary's percentiles (a report built
 * without the histogram), each bar holding the responses between two percentiles.
 */
export const LatencyDistributionSchema = z
  .object({
    source: z.enum(['histogram', 'percentiles']),
    buckets: z.array(LatencyBucketSchema),
  })
  .meta({ id: 'LatencyDistribution' });
export type LatencyDistribution = z.infer<typeof LatencyDistributionSchema>;

/**
 * A run's report (format 1): everything the HTML and JUnit reports show, as data. The summary is the run's own
 * (`GET /runs/:id`), the timeline the run's stored windows merged per bucket (`GET /runs/:id/timeline`).
 */
export const RunReportSchema = z
  .object({
    reportFormat: z.literal(REPORT_FORMAT_VERSION),
    generatedAt: timestamp,
    run: ReportRunSchema,
    plan: ReportPlanSchema,
    load: RunLoadSchema,
    /** Null when no window was stored. */
    summary: RunSummarySchema.nullable(),
    thresholds: z.array(ReportThresholdSchema),
    checks: z.array(ReportCheckSchema),
    workers: z.array(ReportWorkerSchema),
    timeline: z.object({ bucketSeconds: z.int().min(1), points: z.array(TimelinePointSchema) }),
    /** Null when no response was received. */
    latencyDistribution: LatencyDistributionSchema.nullable(),
  })
  .meta({ id: 'RunReport' });
export type RunReport = z.infer<typeof RunReportSchema>;
