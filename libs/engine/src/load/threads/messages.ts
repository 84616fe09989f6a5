import type { RunAssign, RunWindow } from '@loadtest/protocol';
import type { ShareOutcome } from '../share-run.js';

/**
 * Parent → engine thread. `token` names one run on the thread (a thread runs
 * one share after another): anything carrying another token is ignored.
 */
export type ToEngine =
  /** Runs a plain ShareRun on `assignment` (the worker's, with this thread's sub-segment). */
  | { type: 'run'; token: number; assignment: RunAssign; index: number; logLevel: string }
  /** Ends the run early. */
  | { type: 'stop'; token: number }
  /** The parent holds window `id`: the thread's publish of it has succeeded. */
  | { type: 'ack'; token: number; id: number };

/** Engine thread → parent. */
export type FromEngine =
  /** The thread has loaded its code and waits for runs (sent once). */
  | { type: 'ready' }
  /** The run's generators have started (ShareRun's onStarted). */
  | { type: 'started'; token: number }
  /** One window of the run, to be acknowledged with `ack` and the same id. */
  | { type: 'window'; token: number; id: number; window: RunWindow }
  /** How the run ended; nothing more comes for this token. */
  | { type: 'outcome'; token: number; outcome: ShareOutcome };
