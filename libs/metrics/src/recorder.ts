import type { ErrorKind } from '@loadtest/protocol';
import { recordLatency } from './histogram.js';
import { emptyStep, type StepMetrics, type Window } from './window.js';

/**
 * Accumulates one worker's measurements for the current second, per step;
 * `take` hands them over as a window and starts the next one empty.
 */
export class WindowRecorder {
  private steps = new Map<string, StepMetrics>();
  private dropped = 0;

  private step(name: string): StepMetrics {
    let step = this.steps.get(name);
    if (!step) {
      step = emptyStep();
      this.steps.set(name, step);
    }
    return step;
  }

  recordResponse(stepName: string, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void {
    const step = this.step(stepName);
    step.requests += 1;
    step.bytesIn += bytesIn;
    step.bytesOut += bytesOut;
    const key = String(statusCode);
    step.statusCodes[key] = (step.statusCodes[key] ?? 0) + 1;
    recordLatency(step.latency, latencyMicros);
  }

  recordError(stepName: string, kind: ErrorKind): void {
    this.step(stepName).errors[kind] += 1;
  }

  recordCheck(stepName: string, passed: boolean): void {
    const checks = this.step(stepName).checks;
    if (passed) checks.passed += 1;
    else checks.failed += 1;
  }

  /**
   * Counts requests the open model planned but could not send, every
   * connection of the budget being busy. They belong to no step.
   */
  recordDropped(count = 1): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`cannot record ${count} dropped requests: not a whole number ≥ 0`);
    this.dropped += count;
  }

  take(second: number, durationMs: number): Window {
    const window: Window = { second, durationMs, dropped: this.dropped, steps: this.steps };
    this.steps = new Map();
    this.dropped = 0;
    return window;
  }
}
