import { z } from 'zod';
import { ScenarioSchema, SegmentSchema } from '../load-models/index.js';
import { PlanObjectSchema } from '../plan/index.js';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';
import { WorkerShareSchema, type RunAssign } from './run-assign.js';

/** One worker's entry in a run's broadcast assignment. */
export const RunShareEntrySchema = z.object({
  workerId: WorkerIdSchema,
  share: WorkerShareSchema,
  segment: SegmentSchema,
  /** This worker's clock minus the master's, as estimated from its heartbeats: its start instant is `startAt` plus this. */
  clockOffsetMs: z.number().int(),
});
export type RunShareEntry = z.infer<typeof RunShareEntrySchema>;

/**
 * A run's assignment to all its workers at once: one message on the broadcast binding (`to-workers.all`) with the
 * whole segment table, instead of one message per worker; each worker takes its own entry (`assignmentOf`) and
 * ignores a run it has none in. Starting a run over a thousand workers is then one publish.
 */
export const RunAssignAllSchema = z.object({
  ...envelope,
  type: z.literal('run.assign-all'),
  runId: RunIdSchema,
  plan: PlanObjectSchema,
  scenarios: z.array(ScenarioSchema).min(1),
  durationSeconds: z.int().min(1),
  timeoutSeconds: z.int().min(1),
  /** The common start instant, epoch ms, in the master's clock. */
  startAt: z.number().int().min(0),
  shares: z.array(RunShareEntrySchema).min(1),
});
export type RunAssignAll = z.infer<typeof RunAssignAllSchema>;

/** What `workerId` is to run of a broadcast assignment, as a run.assign addressed to it would say; undefined when it has no share. */
export function assignmentOf(all: RunAssignAll, workerId: string): RunAssign | undefined {
  const entry = all.shares.find((s) => s.workerId === workerId);
  if (!entry) return undefined;
  return {
    v: all.v,
    type: 'run.assign',
    sentAt: all.sentAt,
    runId: all.runId,
    workerId,
    plan: all.plan,
    scenarios: all.scenarios,
    durationSeconds: all.durationSeconds,
    timeoutSeconds: all.timeoutSeconds,
    share: entry.share,
    segment: entry.segment,
    // In the worker's own clock, so that every worker starts at the same true instant and their seconds line up.
    startAt: all.startAt + entry.clockOffsetMs,
  };
}
