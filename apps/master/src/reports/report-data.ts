import { TIMELINE_BUCKETS, type RunReport, type ThresholdOutcome } from '@loadtest/protocol';
import { buildRunReport, ReportWindows } from '@loadtest/report';
import type { RunRepository } from '../runs/run-repository.js';
import { runResource, type StoredWindowsMerge } from '../runs/run-resource.js';

export interface RunReportSources {
  runs: RunRepository;
  /** A live run's windows merged so far (ActiveRunTotals): its summary, as `GET /runs/:id` gives it. */
  totals: StoredWindowsMerge;
  /** A live run's threshold outcomes as last judged. */
  liveOutcomes(runId: string): ThresholdOutcome[] | undefined;
}

/**
 * A run's report from what the master stores: the run as `GET /runs/:id` answers it, and one pass over its
 * stored windows for the timeline (in the run's own bucket, as `GET /runs/:id/timeline`), each share's figures
 * (as `GET /runs/:id/summary?worker=`) and the whole run's latency histogram (the distribution). Null for an
 * unknown run.
 */
export async function runReportOf(id: string, sources: RunReportSources): Promise<RunReport | null> {
  const stored = await sources.runs.get(id);
  if (!stored) return null;
  const run = await runResource(stored, sources.totals, sources.liveOutcomes(id));
  const windows = new ReportWindows(TIMELINE_BUCKETS[stored.load.reportEvery]);
  await sources.runs.forEachWindow(id, {}, (window) => windows.add(window));
  return buildRunReport({ run, plan: stored.plan, ...windows.finish() });
}
