import { z } from 'zod';
import { ERROR_KINDS } from '../window.js';

/** The most body bytes a trace keeps of each request and response: enough to read, small enough for the broker. */
export const TRIAL_EXCERPT_BYTES = 4096;
/** The most events a trace keeps; an iteration that does more (a long loop) is traced up to there, `eventsTruncated` set. */
export const MAX_TRIAL_EVENTS = 500;
/** The most headers kept of one request or response. */
export const MAX_TRIAL_HEADERS = 100;

export const TrialHeaderSchema = z.object({ name: z.string().max(1000), value: z.string().max(TRIAL_EXCERPT_BYTES) }).meta({ id: 'TrialHeader' });
export type TrialHeader = z.infer<typeof TrialHeaderSchema>;

/** A body as sent or received: its first TRIAL_EXCERPT_BYTES bytes as UTF-8 text, and its whole size. */
const body = {
  /** The first TRIAL_EXCERPT_BYTES bytes, as UTF-8 (invalid bytes become U+FFFD). */
  bodyExcerpt: z.string().max(2 * TRIAL_EXCERPT_BYTES),
  /** True when the body was longer than the excerpt. */
  bodyTruncated: z.boolean(),
  bodyBytes: z.int().min(0),
};

export const TrialRequestSchema = z
  .object({
    method: z.string().min(1).max(16),
    /** The plan's base URL's origin and the path as sent. */
    url: z.string().max(8192),
    /** As sent, in order (Host, Connection, the plan's and the step's headers, Content-Length). */
    headers: z.array(TrialHeaderSchema).max(MAX_TRIAL_HEADERS),
    ...body,
  })
  .meta({ id: 'TrialRequest' });
export type TrialRequest = z.infer<typeof TrialRequestSchema>;

export const TrialResponseSchema = z
  .object({
    status: z.int().min(100).max(999),
    headers: z.array(TrialHeaderSchema).max(MAX_TRIAL_HEADERS),
    ...body,
    /** From the write of the request to the parsed answer, as a run measures it. */
    latencyMs: z.number().min(0),
  })
  .meta({ id: 'TrialResponse' });
export type TrialResponse = z.infer<typeof TrialResponseSchema>;

/** A request that got no answer: the error kind a run counts it under, and what happened. */
export const TrialErrorSchema = z.object({ kind: z.enum(ERROR_KINDS), message: z.string().max(2000) }).meta({ id: 'TrialError' });
export type TrialError = z.infer<typeof TrialErrorSchema>;

export const TrialExtractionSchema = z
  .object({
    var: z.string().max(200),
    /** The value the variable took; null when the extraction missed and had no default (the variable is then unset). */
    value: z.string().max(TRIAL_EXCERPT_BYTES).nullable(),
    /** True when the extraction missed and the variable took its default. */
    defaulted: z.boolean(),
  })
  .meta({ id: 'TrialExtraction' });
export type TrialExtraction = z.infer<typeof TrialExtractionSchema>;

export const TrialCheckSchema = z.object({ description: z.string().max(1000), passed: z.boolean() }).meta({ id: 'TrialCheck' });
export type TrialCheck = z.infer<typeof TrialCheckSchema>;

/** One HTTP step of the iteration: what was sent, what came back (or the error), the extractions and the checks. */
export const TrialRequestEventSchema = z
  .object({
    kind: z.literal('request'),
    /** The step's index among the plan's HTTP steps (depth first), as a run's windows key it. */
    step: z.int().min(0),
    name: z.string().max(200),
    /** Null when the request could not be sent at all (its URL is on another server): `error` says why. */
    request: TrialRequestSchema.nullable(),
    /** Null when no answer came: `error` says why. */
    response: TrialResponseSchema.nullable(),
    error: TrialErrorSchema.nullable(),
    extracted: z.array(TrialExtractionSchema),
    checks: z.array(TrialCheckSchema),
  })
  .meta({ id: 'TrialRequestEvent' });
export type TrialRequestEvent = z.infer<typeof TrialRequestEventSchema>;

/** A think step taken: the pause, drawn from its range if it has one. */
export const TrialThinkEventSchema = z.object({ kind: z.literal('think'), ms: z.number().min(0) }).meta({ id: 'TrialThinkEvent' });

/** An `if` step: its condition, written out, and the branch it took. */
export const TrialBranchEventSchema = z
  .object({ kind: z.literal('if'), name: z.string().max(200).nullable(), condition: z.string().max(1000), taken: z.enum(['then', 'else']) })
  .meta({ id: 'TrialBranchEvent' });

export const TrialEventSchema = z.discriminatedUnion('kind', [TrialRequestEventSchema, TrialThinkEventSchema, TrialBranchEventSchema]);
export type TrialEvent = z.infer<typeof TrialEventSchema>;

/** What one traced iteration did, in order. */
export const TrialTraceSchema = z
  .object({
    events: z.array(TrialEventSchema).max(MAX_TRIAL_EVENTS),
    /** True when the iteration did more than MAX_TRIAL_EVENTS things: the rest ran, untraced. */
    eventsTruncated: z.boolean(),
    /** Why the iteration did not run, or not to its end (the plan refused, no connection to the target, …); null when it did. */
    failure: z.string().max(2000).nullable(),
    /** From the iteration's start to its end, ms. */
    durationMs: z.number().min(0),
  })
  .meta({ id: 'TrialTrace' });
export type TrialTrace = z.infer<typeof TrialTraceSchema>;
