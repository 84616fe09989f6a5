import { z } from 'zod';
import { ScenarioSchema, SegmentSchema } from '../load-models/index.js';
import { PlanObjectSchema } from '../plan/index.js';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';
import { SharePartSchema } from './share-part.js';

export const WorkerShareSchema = z.object({
  /** Position of this worker among the run's workers, from 0. */
  index: z.int().min(0),
  /** How many workers share the run. */
  count: z.int().min(1),
  /** The most connections this worker's share of the scenarios keeps open at once. */
  connections: z.int().min(0),
});
export type WorkerShare = z.infer<typeof WorkerShareSchema>;

/** Tells one worker to run its share of a run. Sent on that worker's own queue. */
export const RunAssignSchema = z.object({
  ...envelope,
  type: z.literal('run.assign'),
  runId: RunIdSchema,
  workerId: WorkerIdSchema,
  plan: PlanObjectSchema,
  /** The scenarios of the run, whole: the worker computes its share of each from `segment` alone. */
  scenarios: z.array(ScenarioSchema).min(1),
  /** Seconds from `startAt` to the end of the last scenario. */
  durationSeconds: z.int().min(1),
  timeoutSeconds: z.int().min(1),
  share: WorkerShareSchema,
  /** This worker's execution segment: the fraction [from, to) of the whole run it carries. */
  segment: SegmentSchema,
  /** The instant, epoch ms, at which every worker of the run starts; windows count seconds from it. */
  startAt: z.number().int().min(0),
  /** Set for a part of a lost worker's segment, run beside this worker's own share of the run (see SharePartSchema). */
  part: SharePartSchema.optional(),
});
export type RunAssign = z.infer<typeof RunAssignSchema>;
