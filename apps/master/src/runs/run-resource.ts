import { summarizeMerged, type MergedWindows } from '@loadtest/metrics';
import { ENDED_RUN_STATES, parseShareId, type RunResource, type RunSummary, type ThresholdOutcome } from '@loadtest/protocol';
import type { StoredRun } from './run-repository.js';

/**
 * Where a live run's summary comes from: the master's ActiveRunTotals (kept as windows are stored), or
 * RunRepository itself (a re-merge of every stored window; the same answer, slower).
 */
export interface StoredWindowsMerge {
  mergeStored(runId: string): Promise<MergedWindows>;
}

/** A worker whose clock is further than this from the master's is flagged in the run's result. */
export const CLOCK_SKEW_LIMIT_MS = 250;

/**
 * A summary stored when its run ended; one stored before `dropped` existed has
 * none, and nothing could be dropped then.
 */
function storedSummary(summary: Omit<RunSummary, 'dropped'> & { dropped?: number }): RunSummary {
  return { ...summary, dropped: summary.dropped ?? 0 };
}

/**
 * The API's view of a run. An ended run carries the summary and threshold
 * outcomes computed when it ended; a live one is summarised from the windows
 * stored so far, with the thresholds as last judged live.
 */
export async function runResource(run: StoredRun, windows: StoredWindowsMerge, liveOutcomes?: ThresholdOutcome[]): Promise<RunResource> {
  let summary = run.summary && storedSummary(run.summary);
  const ended = ENDED_RUN_STATES.includes(run.state);
  if (!summary && !ended) {
    const merged = await windows.mergeStored(run.id);
    summary = merged.windows > 0 ? summarizeMerged(merged) : null;
  }
  return {
    id: run.id,
    planId: run.planId,
    state: run.state,
    load: run.load,
    workers: run.workers.map((w) => ({
      ...parseShareId(w.workerId),
      shareId: w.workerId,
      index: w.index,
      connections: w.connections,
      segment: w.segment,
      state: w.state,
      windows: w.windowsStored,
      reason: w.reason,
      clockOffsetMs: w.clockOffsetMs,
      clockSkewed: w.clockOffsetMs !== null && Math.abs(w.clockOffsetMs) > CLOCK_SKEW_LIMIT_MS,
    })),
    summary,
    thresholds: run.thresholds,
    thresholdResults: run.thresholdResults ?? liveOutcomes ?? [],
    verdict: run.verdict,
    createdAt: run.createdAt.toISOString(),
    startAt: run.startAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
    error: run.error,
  };
}
