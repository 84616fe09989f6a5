import { z } from 'zod';
import { MAX_GRACEFUL_STOP_SECONDS, MAX_SECONDS, ScenarioInputSchema, ScenarioSchema, type Scenario } from './load-models/index.js';

export const REPORT_BUCKETS = ['1s', '5s', '1m'] as const;
export const ReportBucketSchema = z.enum(REPORT_BUCKETS, { error: 'must be 1s, 5s or 1m' });
export type ReportBucket = z.infer<typeof ReportBucketSchema>;

const timeoutSeconds = z.int().min(1).max(600).default(10);

/**
 * What becomes of a worker's share when the worker is lost mid-run: `rebalance`
 * gives its segment to an idle worker (or runs on without it when there is none),
 * `abort` ends the run as failed, `continue` runs on with less load. The run's
 * workers record what happened, when, and who took over.
 */
export const ON_WORKER_LOSS = ['rebalance', 'abort', 'continue'] as const;
export const OnWorkerLossSchema = z.enum(ON_WORKER_LOSS, { error: 'must be rebalance, abort or continue' }).default('rebalance');
export type OnWorkerLoss = z.infer<typeof OnWorkerLossSchema>;

/** Scenario names must tell scenarios apart. */
function uniqueNames(scenarios: readonly { name: string }[], ctx: z.RefinementCtx, path: PropertyKey[]): void {
  const seen = new Map<string, number>();
  scenarios.forEach((scenario, index) => {
    const first = seen.get(scenario.name);
    if (first === undefined) seen.set(scenario.name, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [...path, index, 'name'],
        message: `duplicate scenario name "${scenario.name}" (also used by scenarios[${first}])`,
      });
  });
}

/**
 * The load of a run as it is run and stored: its scenarios with every preset
 * expanded into stages, each with its own model and start offset.
 */
export const RunLoadSchema = z
  .object({
    scenarios: z.array(ScenarioSchema).min(1).max(20),
    /** Seconds from the run's start to the end of its last scenario. */
    durationSeconds: z.int().min(1),
    /** Per-request timeout; a request that takes longer counts as a `timeout` error. */
    timeoutSeconds,
    /** The timeline bucket the run is reported in unless asked otherwise: 1m for a SOAK, else 1s. */
    reportEvery: ReportBucketSchema.default('1s'),
    onWorkerLoss: OnWorkerLossSchema,
  })
  .meta({ id: 'RunLoad' });
export type RunLoad = z.infer<typeof RunLoadSchema>;

/** `connections` for `durationSeconds`: the shorthand for one constant-vus scenario. */
export function constantLoad(connections: number, durationSeconds: number, timeout = 10): RunLoad {
  return {
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: connections, duration: durationSeconds, startTime: 0 }],
    durationSeconds,
    timeoutSeconds: timeout,
    reportEvery: '1s',
    onWorkerLoss: 'rebalance',
  };
}

/** Runs stored before scenarios existed hold `{ connections, durationSeconds, timeoutSeconds }`. */
const LegacyLoadSchema = z.object({ connections: z.int().min(1), durationSeconds: z.int().min(1), timeoutSeconds });

/** Reads a stored load, from before or after scenarios. */
export const StoredLoadSchema = z.union([
  RunLoadSchema,
  LegacyLoadSchema.transform((old) => constantLoad(old.connections, old.durationSeconds, old.timeoutSeconds)),
]);

/**
 * The load a run request asks for: either `connections` and `durationSeconds`
 * (one constant-vus scenario) or `scenarios`, where a scenario may be a preset.
 */
export const loadRequestShape = {
  /** Shorthand: this many VUs for `durationSeconds`. */
  connections: z.int().min(1).max(100_000).optional(),
  durationSeconds: z.int().min(1).max(MAX_SECONDS).optional(),
  /** Several scenarios run at once, each with its own model and start offset. */
  scenarios: z.array(ScenarioInputSchema).min(1, 'needs at least one scenario').max(20).optional(),
  timeoutSeconds,
  /** Shorthand only: the one scenario's gracefulStop (10 s unless given); with `scenarios`, each gives its own. */
  gracefulStop: z
    .int({ error: 'must be a whole number of seconds' })
    .min(0, 'must be at least 0 seconds')
    .max(MAX_GRACEFUL_STOP_SECONDS, `must be at most ${MAX_GRACEFUL_STOP_SECONDS} seconds`)
    .optional()
    .meta({ description: 'With connections and durationSeconds only: the gracefulStop of that one scenario (0-600 s, default 10)' }),
  onWorkerLoss: OnWorkerLossSchema,
};

type LoadRequestFields = z.infer<z.ZodObject<typeof loadRequestShape>>;

/** Exactly one of the two forms, and scenario names that tell scenarios apart. */
export function refineLoadRequest(load: LoadRequestFields, ctx: z.RefinementCtx): void {
  const shorthand = load.connections !== undefined || load.durationSeconds !== undefined;
  if (load.scenarios && shorthand) {
    ctx.addIssue({ code: 'custom', path: ['scenarios'], message: 'give either scenarios, or connections and durationSeconds, not both' });
  } else if (load.scenarios) {
    uniqueNames(load.scenarios, ctx, ['scenarios']);
    if (load.gracefulStop !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['gracefulStop'],
        message: 'goes with connections and durationSeconds; with scenarios, give each scenario its own gracefulStop',
      });
  } else {
    if (load.connections === undefined) ctx.addIssue({ code: 'custom', path: ['connections'], message: 'required unless scenarios are given' });
    if (load.durationSeconds === undefined) ctx.addIssue({ code: 'custom', path: ['durationSeconds'], message: 'required unless scenarios are given' });
  }
}

export const LoadRequestSchema = z.object(loadRequestShape).superRefine(refineLoadRequest);
export type LoadRequest = z.infer<typeof LoadRequestSchema>;

export type { Scenario };
