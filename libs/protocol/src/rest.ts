import { z } from 'zod';
import { loadRequestShape, refineLoadRequest, ReportBucketSchema, RunLoadSchema } from './load.js';
import { WorkerCapabilitiesSchema } from './messages/worker-hello.js';
import { PlanObjectSchema } from './plan/index.js';
import { storedText, storedTextEverywhere } from './stored-text.js';
import { SegmentSchema } from './load-models/index.js';
import { RunSummarySchema, StepSummarySchema } from './summary.js';
import { ThresholdOutcomeSchema, ThresholdSpecSchema, VerdictSchema } from './thresholds.js';

const timestamp = z.iso.datetime();

export const IdParamsSchema = z.object({ id: z.string().uuid({ error: 'must be a UUID' }) });
export type IdParams = z.infer<typeof IdParamsSchema>;

/** A stored plan: the plan in its v1 form (older plans are read as v1), with its id and times. */
export const PlanResourceSchema = PlanObjectSchema.extend({
  id: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'PlanResource' });
export type PlanResource = z.infer<typeof PlanResourceSchema>;

export const PlanListSchema = z.object({ items: z.array(PlanResourceSchema) }).meta({ id: 'PlanList' });
export type PlanList = z.infer<typeof PlanListSchema>;

/** Body of `POST /plans/:id/runs`: the load, and the thresholds that decide the verdict. */
export const StartRunBodySchema = z
  .object({
    ...loadRequestShape,
    thresholds: z.array(ThresholdSpecSchema).max(50).default([]),
  })
  .superRefine(refineLoadRequest)
  // Stored with the run (load, thresholds): every string is one line, without control characters.
  .superRefine(storedTextEverywhere())
  .meta({ id: 'StartRun' });
export type StartRunBody = z.infer<typeof StartRunBodySchema>;

/**
 * `interrupted`: the master was gone past its grace period and the workers
 * stopped; everything measured until then is kept.
 */
export const RUN_STATES = ['pending', 'running', 'finished', 'stopped', 'failed', 'interrupted'] as const;
export const RunStatusSchema = z.enum(RUN_STATES);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export const ENDED_RUN_STATES: readonly RunStatus[] = ['finished', 'stopped', 'failed', 'interrupted'];

/**
 * `lost`: the worker went silent mid-run; the run's `onWorkerLoss` policy decided what became of its share (see `reason`).
 * `left`: the worker shut down mid-run (SIGTERM) after publishing what it measured; the policy applies as for `lost`.
 * `interrupted`: the worker stopped its share because the master was silent past its grace period.
 */
export const WorkerShareStateSchema = z.enum(['assigned', 'started', 'finished', 'stopped', 'failed', 'lost', 'left', 'interrupted']);
export type WorkerShareState = z.infer<typeof WorkerShareStateSchema>;

export const RunWorkerResourceSchema = z
  .object({
    /** The worker that runs this share. */
    workerId: z.string(),
    /**
     * The share's id: the worker's id for its own share of the run, `<workerId>~<part>` for a part of a lost
     * worker's segment that it runs beside it (onWorkerLoss: rebalance with no idle worker; see `reason`).
     */
    shareId: z.string(),
    /** The part's number for such a part (1, 2, … per worker), null for the worker's own share. */
    part: z.int().nullable(),
    /** The share's position in the run; a takeover or a part of a lost share has the lost share's index. */
    index: z.int(),
    connections: z.int(),
    /** The worker's execution segment [from, to) of the run; null for runs from before segments. */
    segment: SegmentSchema.nullable(),
    state: WorkerShareStateSchema,
    /** Windows stored for this worker so far. */
    windows: z.int(),
    reason: z.string().nullable(),
    /** The worker's clock minus the master's, estimated from its heartbeats when the run started. */
    clockOffsetMs: z.number().nullable(),
    /** True when the offset exceeds 250 ms: this worker's windows may be misaligned with the others'. */
    clockSkewed: z.boolean(),
  })
  .meta({ id: 'RunWorker' });
export type RunWorkerResource = z.infer<typeof RunWorkerResourceSchema>;

export const RunResourceSchema = z
  .object({
    id: z.string(),
    /** Null once the plan has been deleted; the run itself is kept. */
    planId: z.string().nullable(),
    state: RunStatusSchema,
    load: RunLoadSchema,
    workers: z.array(RunWorkerResourceSchema),
    /** Merged from the stored windows; null until the first window arrives. Merged again if windows arrive after the end. */
    summary: RunSummarySchema.nullable(),
    thresholds: z.array(ThresholdSpecSchema),
    /** Each threshold's state: at the end, or as of the last second for a live run. */
    thresholdResults: z.array(ThresholdOutcomeSchema),
    /** Passed when every threshold held at the end; null until the run has ended. */
    verdict: VerdictSchema.nullable(),
    createdAt: timestamp,
    startAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    /** Why the run ended as it did (failures, interruptions, less load than planned); while an abort is in progress, its reason. */
    error: z.string().nullable(),
  })
  .meta({ id: 'Run' });
export type RunResource = z.infer<typeof RunResourceSchema>;

export const RunListSchema = z
  .object({
    items: z.array(RunResourceSchema),
    /** Pass it as `cursor` to read the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'RunList' });
export type RunList = z.infer<typeof RunListSchema>;

/** The most runs a page of a run list holds. */
export const RUN_PAGE_MAX = 100;
export const RUN_PAGE_DEFAULT = 20;

/** A comma-separated list in a query (`state=running,pending`), or the parameter given more than once. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : value),
    z.array(item).min(1),
  );

function sinceBeforeUntil(q: { since?: string | undefined; until?: string | undefined }): boolean {
  return q.since === undefined || q.until === undefined || Date.parse(q.since) < Date.parse(q.until);
}

/** Query of `GET /plans/:id/runs`: a page of a plan's runs, newest first, optionally filtered. */
export const PlanRunListQuerySchema = z
  .object({
    /** Runs in one of these states: `state=running` or `state=finished,failed`. */
    state: listOf(RunStatusSchema).optional(),
    /** Ended runs with this verdict. */
    verdict: VerdictSchema.optional(),
    /** Runs created at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z' }).optional(),
    /** Runs created before this instant (ISO 8601). */
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z' }).optional(),
    /** Runs per page, 1 to 100; 20 by default. */
    limit: z.coerce.number().int().min(1).max(RUN_PAGE_MAX).default(RUN_PAGE_DEFAULT),
    /** `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(200).optional(),
  })
  .refine(sinceBeforeUntil, { message: 'since must be before until', path: ['until'] });
export type PlanRunListQuery = z.infer<typeof PlanRunListQuerySchema>;

/** Query of `GET /runs`: the same, `planId` keeping one plan's runs. */
export const RunListQuerySchema = z
  .object({
    planId: z.string().uuid({ error: 'must be a UUID' }).optional(),
    ...PlanRunListQuerySchema.shape,
  })
  .refine(sinceBeforeUntil, { message: 'since must be before until', path: ['until'] });
export type RunListQuery = z.infer<typeof RunListQuerySchema>;

/** One bucket of a run's timeline (1 s, 5 s or 1 min), merged over the workers. */
export const TimelinePointSchema = z
  .object({
    /** First second of the bucket, counted from the run's start instant. */
    second: z.int(),
    ...StepSummarySchema.shape,
    /** Iterations the open model planned in this bucket but could not send (every connection of the budget busy); not in `requests`. */
    dropped: z.int().min(0),
    /**
     * VUs in progress: the connections with an iteration under way at each second's end, added over the workers;
     * for a bucket longer than 1 s, the mean over its seconds. Null for windows from before it was measured.
     */
    vus: z.number().min(0).nullable(),
    /** Workers that contributed a window to this bucket. */
    workers: z.int(),
  })
  .meta({ id: 'TimelinePoint' });
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;

export const TIMELINE_BUCKETS = { '1s': 1, '5s': 5, '1m': 60 } as const;
export type TimelineBucket = keyof typeof TIMELINE_BUCKETS;

/** A name given in a query: the database is asked for it, and cannot take a NUL. */
const queryText = z.string().min(1).superRefine(storedText('line')).optional();

export const TimelineQuerySchema = z.object({
  /** The bucket; by default the run's own (`load.reportEvery`: 1m for a SOAK, else 1s). */
  bucket: ReportBucketSchema.optional(),
  /** Deprecated alias of `bucket` (it collided with a plan's steps); `bucket` wins when both are given. */
  step: ReportBucketSchema.optional().meta({ deprecated: true }),
  /** Only this named step (request) of the plan. */
  name: queryText,
  /** Only this worker. */
  worker: queryText,
});
export type TimelineQuery = z.infer<typeof TimelineQuerySchema>;

export const TimelineSchema = z.object({ runId: z.string(), bucketSeconds: z.int(), points: z.array(TimelinePointSchema) }).meta({ id: 'Timeline' });
export type Timeline = z.infer<typeof TimelineSchema>;

export const SummaryQuerySchema = z
  .object({
    /** First second to include, counted from the run's start instant. */
    from: z.coerce.number().int().min(0).optional(),
    /** Second to stop before (exclusive). */
    to: z.coerce.number().int().min(0).optional(),
    name: queryText,
    worker: queryText,
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['to'] });
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

export const RangeSummarySchema = z
  .object({
    runId: z.string(),
    from: z.int().nullable(),
    to: z.int().nullable(),
    name: z.string().nullable(),
    worker: z.string().nullable(),
    /** Windows merged into this summary. */
    windows: z.int(),
    summary: RunSummarySchema,
  })
  .meta({ id: 'RangeSummary' });
export type RangeSummary = z.infer<typeof RangeSummarySchema>;

/**
 * online/busy: heard from lately, idle or running a share; missing: silent past
 * WORKER_MISSING_AFTER_MS (3 heartbeats by default); lost: silent past
 * WORKER_LOST_AFTER_MS (10 more). A worker heard from again is online/busy again.
 */
export const WORKER_STATES = ['online', 'busy', 'missing', 'lost'] as const;
export const WorkerStateSchema = z.enum(WORKER_STATES);
export type WorkerState = z.infer<typeof WorkerStateSchema>;

export const WorkerResourceSchema = z
  .object({
    id: z.string(),
    host: z.string().nullable(),
    version: z.string().nullable(),
    state: WorkerStateSchema,
    /** Its last heartbeat; none come while its windows stand for them (a share running), see lastSeenAt. */
    lastHeartbeatAt: timestamp.nullable(),
    /** When the master last heard from the worker (a hello, a heartbeat, or a window, which stands for one while it runs). */
    lastSeenAt: timestamp,
    /** Null until the worker's hello has been received. */
    capabilities: WorkerCapabilitiesSchema.nullable(),
    /** The worker's clock minus the master's in ms, estimated from its hello, heartbeats and windows; null before the first. */
    clockOffsetMs: z.number().nullable(),
    runId: z.string().nullable(),
  })
  .meta({ id: 'Worker' });
export type WorkerResource = z.infer<typeof WorkerResourceSchema>;

export const WorkerListSchema = z.object({ items: z.array(WorkerResourceSchema) }).meta({ id: 'WorkerList' });
export type WorkerList = z.infer<typeof WorkerListSchema>;

export const ErrorBodySchema = z
  .object({
    statusCode: z.int(),
    error: z.string(),
    message: z.string(),
    /** For 400: every offending field, by path. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
