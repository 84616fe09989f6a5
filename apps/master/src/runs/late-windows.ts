import { summarizeMerged } from '@loadtest/metrics';
import { ENDED_RUN_STATES } from '@loadtest/protocol';
import type { Logger } from 'pino';
import { thresholdOutcomes } from '@loadtest/metrics';
import { runVerdict } from '@loadtest/metrics';
import type { RunStore } from './run-store.js';
import { parseThresholdSpecs } from './thresholds.js';

/**
 * Windows that reach the master after their run has ended: a worker declared
 * lost that was only cut off, or windows still missing when the grace for late
 * windows ran out. They are stored like any other; this folds them into the
 * run's recorded result (summary, thresholds, verdict) so that the result is
 * what was measured. A burst of late windows costs one re-merge, `delayMs` after
 * its first window.
 */
export class LateWindows {
  private readonly due = new Map<string, NodeJS.Timeout>();
  private readonly inProgress = new Map<string, Promise<void>>();

  constructor(
    private readonly runs: Pick<RunStore, 'get' | 'mergeStored' | 'updateEndedResult'>,
    private readonly logger: Logger,
    private readonly delayMs = 1000,
  ) {}

  /** A window of an ended run was stored. */
  stored(runId: string): void {
    if (this.due.has(runId)) return;
    const timer = setTimeout(() => {
      this.due.delete(runId);
      const previous = this.inProgress.get(runId) ?? Promise.resolve();
      const next = previous
        .then(() => this.refresh(runId))
        .catch((error: unknown) => this.logger.error({ err: error, runId }, 'cannot fold late windows into the run result'))
        .finally(() => {
          if (this.inProgress.get(runId) === next) this.inProgress.delete(runId);
        });
      this.inProgress.set(runId, next);
    }, this.delayMs);
    timer.unref();
    this.due.set(runId, timer);
  }

  private async refresh(runId: string): Promise<void> {
    const run = await this.runs.get(runId);
    if (!run || !ENDED_RUN_STATES.includes(run.state)) return;
    const merged = await this.runs.mergeStored(runId);
    const summary = summarizeMerged(merged);
    const thresholdResults = thresholdOutcomes(parseThresholdSpecs(run.thresholds, run.plan), merged);
    const verdict = runVerdict(run.state, thresholdResults);
    if (!(await this.runs.updateEndedResult(runId, { summary, thresholdResults, verdict }))) return;
    this.logger.info(
      { runId, requestsBefore: run.summary?.requests ?? null, requests: summary.requests, windows: merged.windows, verdictBefore: run.verdict, verdict },
      'windows arrived after the run ended; its result now counts them',
    );
  }

  /** Runs with a re-merge due or in progress: none once their bursts are folded in. */
  pendingRuns(): number {
    return new Set([...this.due.keys(), ...this.inProgress.keys()]).size;
  }

  close(): void {
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
