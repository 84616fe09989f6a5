import type { RunAssign, TrialAssign, TrialTrace } from '@loadtest/protocol';
import type { Logger } from 'pino';
import { ShareRun } from '@loadtest/engine';
import { TraceRecorder } from './trace-recorder.js';

/**
 * How long after the trial is taken its start instant is: ShareRun opens the
 * connection until then, and the one arrival is due a second later (below), so
 * the connection has about 1.2 s to open before the arrival would find none.
 */
const START_LEAD_MS = 200;

/** The whole run as one segment: the trial's one worker carries all of it. */
const WHOLE = { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } };

/**
 * The run assignment a trial is: one scenario of one arrival, on one connection
 * (constant-arrival-rate, 1 per second for 1 second, maxVUs 1: the arrival is
 * due at the end of the second), whose gracefulStop is the iteration's limit.
 * An open model so that exactly one iteration starts, whatever it takes: a
 * closed one would start the next as soon as the first ended.
 */
export function trialAssignment(trial: TrialAssign, now: number): RunAssign {
  return {
    v: trial.v,
    type: 'run.assign',
    sentAt: trial.sentAt,
    runId: trial.trialId,
    workerId: trial.workerId,
    plan: trial.plan,
    scenarios: [{ name: 'trial', executor: 'constant-arrival-rate', rate: 1, duration: 1, maxVUs: 1, startTime: 0, gracefulStop: trial.iterationSeconds }],
    durationSeconds: 1,
    timeoutSeconds: trial.timeoutSeconds,
    share: { index: 0, count: 1, connections: 1 },
    segment: WHOLE,
    startAt: now + START_LEAD_MS,
  };
}

/**
 * One iteration of the trial's plan with one virtual user, through the path a
 * run's share takes (ShareRun: the plan checked with planProblems, ScenarioRun,
 * the generator's GatedConnection and FlowWalk on autocannon), with a tracer on
 * the virtual user. Its windows are not sent anywhere.
 */
export class TrialRun {
  private readonly recorder: TraceRecorder;
  private readonly share: ShareRun;
  private stopReason: string | undefined;

  constructor(
    private readonly trial: TrialAssign,
    logger: Logger,
  ) {
    this.recorder = new TraceRecorder({ baseUrl: trial.plan.baseUrl, timeoutMs: trial.timeoutSeconds * 1000, iterationSeconds: trial.iterationSeconds });
    this.share = new ShareRun(trialAssignment(trial, Date.now()), {
      logger,
      publishWindow: () => Promise.resolve(),
      onStarted: () => undefined,
      trace: this.recorder,
    });
  }

  /** Resolves with the trace. Never throws: a failure is the trace's `failure`. */
  async run(): Promise<TrialTrace> {
    const { recorder } = this;
    const outcome = await this.share.run();
    if (outcome.state === 'failed') return recorder.trace(outcome.reason);
    if (this.stopReason !== undefined) return recorder.trace(`stopped before its end: ${this.stopReason}`);
    if (!recorder.started && recorder.dropped > 0) {
      // As a run would: an arrival that finds no open connection is dropped, not queued.
      return recorder.trace(`the iteration did not start: no connection to ${new URL(this.trial.plan.baseUrl).origin} was open when it was due`);
    }
    if (!recorder.started) return recorder.trace('the iteration did nothing: no step was sent, and no think or if step was reached');
    return recorder.trace(null);
  }

  /** Ends it at once (the worker is shutting down); what is in flight counts as `interrupted`, and `run()` resolves. */
  stop(reason: string): void {
    this.stopReason ??= reason;
    this.share.stop();
  }
}
