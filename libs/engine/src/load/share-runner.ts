import type { RunAssign } from '@loadtest/protocol';
import { ShareRun, type ShareOutcome, type ShareRunDeps } from './share-run.js';
import { engineThreads } from './threads/engine-count.js';
import type { EnginePool } from './threads/engine-pool.js';
import { ThreadedShareRun } from './threads/threaded-share-run.js';

/** A running share, on one thread or several. */
export interface ShareRunner {
  readonly assignment: RunAssign;
  run(): Promise<ShareOutcome>;
  stop(): void;
}

/**
 * The run of a share on up to `threads` engine threads: as many as every thread
 * can carry at least one connection of every scenario (engineThreads). On one,
 * the plain ShareRun in this thread, no worker thread involved.
 */
export function shareRunner(assignment: RunAssign, deps: ShareRunDeps, threads: number, pool?: EnginePool): { runner: ShareRunner; threads: number } {
  const used = engineThreads(assignment.scenarios, assignment.segment, threads);
  const runner = used > 1 ? new ThreadedShareRun(assignment, { ...deps, threads: used, ...(pool ? { pool } : {}) }) : new ShareRun(assignment, deps);
  return { runner, threads: used };
}
