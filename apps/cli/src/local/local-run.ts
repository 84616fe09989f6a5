import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { EnginePool, pinTarget, shareRunner, type ShareOutcome, type ShareRunner } from '@loadtest/engine';
import { LoadPlanError, resolveLoad, segmentConnections } from '@loadtest/execution';
import {
  addWindow,
  bucketPoint,
  checkThresholdSpecs,
  decodeWindowBase64,
  emptyMerged,
  runVerdict,
  summarizeMerged,
  thresholdAbort,
  thresholdOutcomes,
  type ScopedThreshold,
} from '@loadtest/metrics';
import {
  httpSteps,
  PROTOCOL_VERSION,
  StartRunBodySchema,
  TIMELINE_BUCKETS,
  type LiveWindowEvent,
  type Plan,
  type RunAssign,
  type RunLoad,
  type RunResource,
  type RunStatus,
  type RunWindow,
  type Segment,
  type StartRunBody,
  type ThresholdOutcome,
} from '@loadtest/protocol';
import { ReportWindows, type ReportWindowParts } from '@loadtest/report';
import { targetPolicyFromEnv } from '@loadtest/targets';
import type { Logger } from 'pino';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';

/** The share of this machine: the whole run. */
const WHOLE: Segment = { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } };
/** The one "worker" of a local run, as reports and summaries name it. */
export const LOCAL_WORKER_ID = 'local';
/**
 * From the assignment to the start instant: the engine opens its connections first (ShareRun opens them ahead of
 * the start). Short, since the engine threads are loaded before the assignment is made.
 */
const START_LEAD_MS = 150;

export interface LocalRunOptions {
  /** Engine threads to run on (each its own event loop, so its own core); all cores by default. */
  threads?: number;
  logger: Logger;
  /** Each second as it ends: its figures and the thresholds judged on everything so far (the master's `run:window`). */
  onWindow(event: LiveWindowEvent): void;
  onStarted?(): void;
  /** Epoch ms; Date.now by default (tests). */
  now?: () => number;
}

/** A local run as it ended: the run as a master would record it, and what its report needs from its windows. */
export interface LocalRunResult {
  run: RunResource;
  windows: ReportWindowParts;
}

/** The load and thresholds a run body asks for on this plan, checked as a master checks them; any issue is a usage error naming its field. */
export function localRunRequest(plan: Plan, input: unknown): { body: StartRunBody; load: RunLoad; thresholds: ScopedThreshold[] } {
  const parsed = StartRunBodySchema.safeParse(input);
  if (!parsed.success)
    throw new CliError(
      'invalid run options',
      EXIT.usage,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const body = parsed.data;
  const { thresholds: specs, ...request } = body;
  let load: RunLoad;
  try {
    load = resolveLoad(request);
  } catch (error) {
    if (error instanceof LoadPlanError)
      throw new CliError(
        'the load cannot be run',
        EXIT.usage,
        error.issues.map((i) => `${i.path}: ${i.message}`),
      );
    throw error;
  }
  const checked = checkThresholdSpecs(
    specs,
    httpSteps(plan.steps).map((step) => step.name),
  );
  if (checked.issues.length > 0)
    throw new CliError(
      'invalid thresholds',
      EXIT.usage,
      checked.issues.map((i) => `${i.path}: ${i.message}`),
    );
  return { body, load, thresholds: checked.thresholds };
}

/**
 * Runs a plan on this machine with the workers' own engine (libs/engine): the whole run as one share, on up to
 * `threads` engine threads, with no master, database or broker. Each second's window is merged as the master
 * merges a run's (the same libraries), thresholds are judged live and at the end, an abortOnFail threshold ends
 * the run, and the result is the run as the master would record it, so that the summary, the exit code and the
 * reports are the same as on a platform.
 */
export class LocalRun {
  readonly id = randomUUID();
  private readonly createdAt: Date;
  private readonly now: () => number;
  private readonly cumulative = emptyMerged();
  private readonly reportWindows: ReportWindows;
  private liveOutcomes: ThresholdOutcome[];
  private runner: ShareRunner | undefined;
  private abortReason: string | undefined;
  private stopAsked = false;
  private startAt: number | undefined;
  private windowsSeen = 0;

  constructor(
    private readonly plan: Plan,
    private readonly request: ReturnType<typeof localRunRequest>,
    private readonly options: LocalRunOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.createdAt = new Date(this.now());
    this.reportWindows = new ReportWindows(TIMELINE_BUCKETS[request.load.reportEvery]);
    this.liveOutcomes = thresholdOutcomes(request.thresholds, this.cumulative);
  }

  get load(): RunLoad {
    return this.request.load;
  }

  /** The most connections the run keeps open at once: its one share's. */
  private get connections(): number {
    return this.load.scenarios.reduce((sum, scenario) => sum + segmentConnections(WHOLE, scenario), 0);
  }

  /** The thresholds as asked, with their state before any data (judged on nothing). */
  get thresholdResults(): ThresholdOutcome[] {
    return this.liveOutcomes;
  }

  /** Stops the run as a master's `POST /stop` does: the iterations in progress end, and what was measured is kept. */
  stop(): void {
    this.stopAsked = true;
    this.runner?.stop();
  }

  /** Checks the target (the one check every request goes through), then runs the plan to its end; resolves with the run as recorded. */
  async run(): Promise<LocalRunResult> {
    const { load } = this.request;
    const policy = targetPolicyFromEnv(process.env);
    try {
      await pinTarget(this.plan.baseUrl, { allowlist: policy.allowlist });
    } catch (error) {
      throw new CliError(`the plan's target is refused: ${(error as Error).message}`, EXIT.usage, [
        `allowed (${policy.source}): ${policy.entries || 'nothing'}; set LOADTEST_TARGET_ALLOWLIST to allow other hosts (docs/security.md)`,
      ]);
    }
    const connections = this.connections;
    const wanted = Math.max(1, this.options.threads ?? availableParallelism());
    // The engine threads load their code before the start instant is set, so that the run starts at once.
    const pool = wanted > 1 ? new EnginePool(this.options.logger.child({ component: 'engines' })) : undefined;
    try {
      if (pool) await pool.warm(wanted);
      if (this.stopAsked) return this.result('stopped', { state: 'stopped', windows: 0 });
      this.startAt = this.now() + START_LEAD_MS;
      const assignment: RunAssign = {
        v: PROTOCOL_VERSION,
        type: 'run.assign',
        sentAt: this.now(),
        runId: this.id,
        workerId: LOCAL_WORKER_ID,
        plan: this.plan,
        scenarios: load.scenarios,
        durationSeconds: load.durationSeconds,
        timeoutSeconds: load.timeoutSeconds,
        share: { index: 0, count: 1, connections },
        segment: WHOLE,
        startAt: this.startAt,
      };
      const { runner } = shareRunner(
        assignment,
        {
          logger: this.options.logger,
          publishWindow: async (window) => this.onWindow(window),
          onStarted: () => this.options.onStarted?.(),
          targets: { allowlist: policy.allowlist },
        },
        wanted,
        pool,
      );
      this.runner = runner;
      if (this.stopAsked) runner.stop();
      const outcome = await runner.run();
      return this.result(this.stateOf(outcome), outcome);
    } finally {
      await pool?.close();
    }
  }

  private onWindow(message: RunWindow): void {
    const window = { ...decodeWindowBase64(message.data), workerId: LOCAL_WORKER_ID };
    this.windowsSeen += 1;
    addWindow(this.cumulative, window);
    this.reportWindows.add(window);
    this.liveOutcomes = thresholdOutcomes(this.request.thresholds, this.cumulative);
    this.options.onWindow({
      v: PROTOCOL_VERSION,
      runId: this.id,
      ...bucketPoint(window.second, [window]),
      missingWorkers: 0,
      revision: false,
      thresholds: this.liveOutcomes,
    });
    this.judgeAbort(window.second);
  }

  /** An abortOnFail threshold that fails after its grace ends the run, in the master's words (runExit reads them). */
  private judgeAbort(second: number): void {
    if (this.abortReason !== undefined) return;
    const abort = thresholdAbort(this.request.body.thresholds, this.liveOutcomes, second);
    if (!abort) return;
    const { outcome, reason } = abort;
    this.abortReason = reason;
    this.options.logger.warn({ runId: this.id, threshold: outcome.expression, value: outcome.value }, 'threshold failed; aborting the run');
    this.runner?.stop();
  }

  private stateOf(outcome: ShareOutcome): RunStatus {
    if (this.abortReason !== undefined || outcome.state === 'failed') return 'failed';
    return outcome.state === 'stopped' || this.stopAsked ? 'stopped' : 'finished';
  }

  private result(state: RunStatus, outcome: ShareOutcome): LocalRunResult {
    const thresholdResults = thresholdOutcomes(this.request.thresholds, this.cumulative);
    const reason = outcome.state === 'failed' ? outcome.reason : null;
    const error = this.abortReason ?? (reason === null ? null : `local run failed: ${reason}`);
    const connections = this.connections;
    const run: RunResource = {
      id: this.id,
      planId: null,
      state,
      load: this.load,
      workers: [
        {
          workerId: LOCAL_WORKER_ID,
          shareId: LOCAL_WORKER_ID,
          part: null,
          index: 0,
          connections,
          segment: WHOLE,
          state: outcome.state,
          windows: this.windowsSeen,
          reason,
          clockOffsetMs: null,
          clockSkewed: false,
        },
      ],
      summary: this.cumulative.windows > 0 ? summarizeMerged(this.cumulative) : null,
      thresholds: this.request.body.thresholds,
      thresholdResults,
      verdict: runVerdict(state, thresholdResults),
      createdAt: this.createdAt.toISOString(),
      startAt: this.startAt === undefined ? null : new Date(this.startAt).toISOString(),
      endedAt: new Date(this.now()).toISOString(),
      error,
    };
    return { run, windows: this.reportWindows.finish() };
  }
}
