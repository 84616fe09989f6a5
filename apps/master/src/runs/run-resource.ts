import { summarize } from '@loadtest/metrics';
import { ENDED_RUN_STATES, type RunResource } from '@loadtest/protocol';
import type { RunRepository, StoredRun } from './run-repository.js';

/**
 * The API's view of a run. An ended run carries the summary computed when it
 * ended; a live one is summarised from the windows stored so far.
 */
export async function runResource(run: StoredRun, runs: RunRepository): Promise<RunResource> {
  let summary = run.summary;
  if (!summary && !ENDED_RUN_STATES.includes(run.state)) {
    const windows = await runs.windows(run.id);
    summary = windows.length > 0 ? summarize(windows) : null;
  }
  return {
    id: run.id,
    planId: run.planId,
    state: run.state,
    load: run.load,
    workers: run.workers.map((w) => ({
      workerId: w.workerId,
      index: w.index,
      connections: w.connections,
      state: w.state,
      windows: w.windowsStored,
      reason: w.reason,
    })),
    summary,
    createdAt: run.createdAt.toISOString(),
    startAt: run.startAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
    error: run.error,
  };
}
