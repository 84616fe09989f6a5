import { z } from 'zod';
import { RunStatusSchema, WorkerStateSchema } from './rest.js';
import { StepSummarySchema } from './summary.js';
import { ThresholdOutcomeSchema } from './thresholds.js';
import { PROTOCOL_VERSION } from './version.js';

const v = z.literal(PROTOCOL_VERSION);

/** Client → server: start or stop receiving one run's live events. */
export const RunSubscriptionSchema = z.object({ runId: z.string().uuid() });
export type RunSubscription = z.infer<typeof RunSubscriptionSchema>;

/** Server → client, once per second per run: that second only, merged over the workers. */
export const LiveWindowEventSchema = z.object({
  v,
  runId: z.string(),
  second: z.int(),
  ...StepSummarySchema.shape,
  /** Iterations the open model planned in this second but could not send; not in `requests`. */
  dropped: z.int().min(0),
  /** VUs in progress at the second's end, added over the workers; null if no worker measured them. */
  vus: z.number().min(0).nullable(),
  /** Shares whose window is in this second. */
  workers: z.int(),
  /**
   * Shares whose window for this second had not arrived when it was sent (its deadline, LIVE_DEADLINE_MS after the
   * second's end, came first); 0 when the second is complete.
   */
  missingWorkers: z.int().min(0),
  /**
   * True when this second was sent before and is sent again with a window that arrived late: it replaces the
   * earlier event of the same second (its figures are the whole second's, not a difference).
   */
  revision: z.boolean(),
  /** Each threshold, judged on everything merged so far (not only this second). */
  thresholds: z.array(ThresholdOutcomeSchema),
});
export type LiveWindowEvent = z.infer<typeof LiveWindowEventSchema>;

/** Server → client: the run changed state. */
export const LiveRunStateEventSchema = z.object({
  v,
  runId: z.string(),
  state: RunStatusSchema,
  at: z.iso.datetime(),
  reason: z.string().nullable(),
});
export type LiveRunStateEvent = z.infer<typeof LiveRunStateEventSchema>;

/** Server → every client: a worker's state changed (appeared, went busy/idle, missing, lost, or came back). */
export const LiveWorkerStateEventSchema = z.object({
  v,
  workerId: z.string(),
  state: WorkerStateSchema,
  /** The state before, or null for a worker the master had not seen. */
  previousState: WorkerStateSchema.nullable(),
  /** When the master last heard from the worker. */
  lastSeenAt: z.iso.datetime(),
  at: z.iso.datetime(),
});
export type LiveWorkerStateEvent = z.infer<typeof LiveWorkerStateEventSchema>;

export const SubscribeAckSchema = z.union([z.object({ ok: z.literal(true), state: RunStatusSchema }), z.object({ ok: z.literal(false), error: z.string() })]);
export type SubscribeAck = z.infer<typeof SubscribeAckSchema>;

export const SOCKET_EVENTS = {
  subscribe: 'run:subscribe',
  unsubscribe: 'run:unsubscribe',
  window: 'run:window',
  state: 'run:state',
  workerState: 'worker:state',
} as const;

/** Socket.IO typings, shared by the server and clients. */
export interface ServerToClientEvents {
  'run:window': (event: LiveWindowEvent) => void;
  'run:state': (event: LiveRunStateEvent) => void;
  /** Sent to every client, subscribed to a run or not. */
  'worker:state': (event: LiveWorkerStateEvent) => void;
}
export interface ClientToServerEvents {
  'run:subscribe': (payload: RunSubscription, ack?: (result: SubscribeAck) => void) => void;
  'run:unsubscribe': (payload: RunSubscription, ack?: (result: SubscribeAck) => void) => void;
}
