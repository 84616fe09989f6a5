import type { CompiledHttp } from './compile.js';
import type { FlowResponse } from './response.js';

/** What one extraction took: the value, or undefined on a miss (then the default, when `defaulted`). */
export interface TracedExtraction {
  readonly var: string;
  readonly value: string | undefined;
  readonly defaulted: boolean;
}

export interface TracedCheck {
  readonly description: string;
  readonly passed: boolean;
}

/**
 * Sees what one virtual user does, step by step, as it does it: how a trial
 * traces an iteration (apps/worker/src/trial) on the very code a run uses. A
 * run's virtual users have none: the hot path only tests for it. With a
 * tracer, the sender keeps every response's body (FlowWalk), not only those
 * an extraction or a check reads.
 */
export interface FlowTracer {
  /** A think step's pause, as drawn. */
  think(ms: number): void;
  /** An `if` step's branch. */
  branch(name: string | undefined, condition: string, taken: 'then' | 'else'): void;
  /** A step's request, as the bytes about to be written. */
  sent(step: CompiledHttp, bytes: Buffer): void;
  /** A step's request that could not be sent (its URL is on another server, or is not a URL). */
  unsendable(step: CompiledHttp, reason: string, kind: 'blocked' | 'other'): void;
  /** The step's response (FlowResponse.failed() when none came), what its extractions took, and its checks' outcomes. */
  completed(step: CompiledHttp, response: FlowResponse, extracted: readonly TracedExtraction[], checks: readonly TracedCheck[]): void;
}
