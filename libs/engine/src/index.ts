export { ShareRun, type ShareOutcome, type ShareRunDeps, type ShareTrace } from './load/share-run.js';
export { ThreadedShareRun, type ThreadedShareRunDeps } from './load/threads/threaded-share-run.js';
export { shareRunner, type ShareRunner } from './load/share-runner.js';
export { EnginePool } from './load/threads/engine-pool.js';
export { engineThreads } from './load/threads/engine-count.js';
export { startGenerator, type GeneratorOptions, type RunningGenerator } from './load/generator.js';
export { pinTarget, type PinnedTarget, type TargetGuard } from './load/pinned-target.js';
export {
  AUTOCANNON_CLIENT_INTERNALS,
  AutocannonClient,
  autocannonClientProblems,
  autocannonVersion,
  checkAutocannonClient,
  UnsupportedAutocannon,
  type AutocannonInternal,
} from './load/autocannon/adapter.js';
export { createLogger } from './logger.js';
