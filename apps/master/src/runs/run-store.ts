import type { RunRepository } from './run-repository.js';

/**
 * What the orchestrator and its units read and write of the stored runs: the repository's
 * methods they use, so that a test may hold runs in memory (orchestrator-memory.test.ts) while
 * orchestrator.test.ts runs the same paths on PostgreSQL.
 */
export type RunStore = Pick<
  RunRepository,
  | 'create'
  | 'get'
  | 'state'
  | 'activeRunIds'
  | 'transition'
  | 'setActiveRunError'
  | 'updateEndedResult'
  | 'setWorkerState'
  | 'setLostShareWindows'
  | 'setShareReason'
  | 'openSharesOf'
  | 'hasOpenShareOfWorker'
  | 'addTakeover'
  | 'openShareCount'
  | 'hasShare'
  | 'insertWindows'
  | 'mergeStored'
>;
