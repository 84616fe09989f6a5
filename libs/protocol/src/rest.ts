import { z } from 'zod';
import { RunLoadSchema } from './load.js';
import { WorkerCapabilitiesSchema } from './messages/worker-hello.js';
import { PlanSchema } from './plan.js';
import { LatencySummarySchema, RunSummarySchema } from './summary.js';
import { ErrorCountsSchema, StatusCountsSchema } from './window.js';

const timestamp = z.iso.datetime();

export const IdParamsSchema = z.object({ id: z.string().uuid({ error: 'must be a UUID' }) });
export type IdParams = z.infer<typeof IdParamsSchema>;

/** Body of `POST /plans` and `PUT /plans/:id`. */
export const PlanBodySchema = PlanSchema;
export type PlanBody = z.infer<typeof PlanBodySchema>;

export const PlanResourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    requests: PlanSchema.shape.requests,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'PlanResource' });
export type PlanResource = z.infer<typeof PlanResourceSchema>;

export const PlanListSchema = z.object({ items: z.array(PlanResourceSchema) }).meta({ id: 'PlanList' });
export type PlanList = z.infer<typeof PlanListSchema>;

/** Body of `POST /plans/:id/runs`. */
export const StartRunBodySchema = RunLoadSchema;
export type StartRunBody = z.infer<typeof StartRunBodySchema>;

export const RUN_STATES = ['pending', 'running', 'finished', 'stopped', 'failed'] as const;
export const RunStatusSchema = z.enum(RUN_STATES);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export const ENDED_RUN_STATES: readonly RunStatus[] = ['finished', 'stopped', 'failed'];

export const WorkerShareStateSchema = z.enum(['assigned', 'started', 'finished', 'stopped', 'failed']);
export type WorkerShareState = z.infer<typeof WorkerShareStateSchema>;

export const RunWorkerResourceSchema = z
  .object({
    workerId: z.string(),
    index: z.int(),
    connections: z.int(),
    state: WorkerShareStateSchema,
    /** Windows stored for this worker so far. */
    windows: z.int(),
    reason: z.string().nullable(),
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
    /** Merged from the stored windows; null until the first window arrives. */
    summary: RunSummarySchema.nullable(),
    createdAt: timestamp,
    startAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'Run' });
export type RunResource = z.infer<typeof RunResourceSchema>;

export const RunListSchema = z.object({ items: z.array(RunResourceSchema) }).meta({ id: 'RunList' });
export type RunList = z.infer<typeof RunListSchema>;

/** One second of a run, merged over every worker. */
export const TimelinePointSchema = z
  .object({
    second: z.int(),
    requests: z.int(),
    bytes: z.int(),
    statusCodes: StatusCountsSchema,
    errors: ErrorCountsSchema,
    latencyMicros: LatencySummarySchema.nullable(),
    /** Workers that contributed a window to this second. */
    workers: z.int(),
  })
  .meta({ id: 'TimelinePoint' });
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;

export const TimelineSchema = z
  .object({ runId: z.string(), points: z.array(TimelinePointSchema) })
  .meta({ id: 'Timeline' });
export type Timeline = z.infer<typeof TimelineSchema>;

export const WORKER_STATES = ['online', 'busy', 'missing'] as const;
export const WorkerStateSchema = z.enum(WORKER_STATES);
export type WorkerState = z.infer<typeof WorkerStateSchema>;

export const WorkerResourceSchema = z
  .object({
    id: z.string(),
    host: z.string().nullable(),
    version: z.string().nullable(),
    state: WorkerStateSchema,
    lastHeartbeatAt: timestamp.nullable(),
    /** Null until the worker's hello has been received. */
    capabilities: WorkerCapabilitiesSchema.nullable(),
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
