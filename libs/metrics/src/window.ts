import type { CheckCounts, ErrorCounts, StatusCounts } from '@loadtest/protocol';
import { addBuckets } from './counts.js';
import type { ReceivedCounts } from './decoded-step.js';
import { createLatencyHistogram, type Histogram } from './histogram.js';

/** What was measured for one step (a named request of the plan) in one window. */
export interface StepMetrics {
  /** Responses received, whatever their status. Errors are counted apart. */
  requests: number;
  /** Response bytes received. */
  bytesIn: number;
  /** Request bytes sent for the answered requests. */
  bytesOut: number;
  statusCodes: StatusCounts;
  errors: ErrorCounts;
  checks: CheckCounts;
  /** Latencies in microseconds. */
  latency: Histogram;
  /**
   * Set on a decoded window: the status codes and latencies as received, which merging reads directly;
   * `statusCodes` and `latency` are then built only if something asks for them.
   */
  received?: ReceivedCounts;
}

/**
 * One worker's measurements for one second of a run. Every request belongs to
 * a step, so the window's totals are the sum of its steps: storing the steps
 * alone keeps one histogram per step instead of a second, redundant one for the whole.
 */
export interface Window {
  /** Whole seconds since the run's start instant. */
  second: number;
  /** Length of the window in ms: 1000, except at a share's start or end. */
  durationMs: number;
  /**
   * Requests the open (arrival-rate) model planned in this window but could not
   * send because every connection of the budget was busy. They were never sent,
   * so they belong to no step and are not in any step's `requests`.
   */
  dropped: number;
  /**
   * VUs in progress when the window closed: the worker's connections with an iteration under way (k6's `vus`,
   * sampled at the second's end). Undefined in windows from before it was measured (format 4 and older).
   */
  vus?: number;
  steps: Map<string, StepMetrics>;
}

export function emptyErrorCounts(): ErrorCounts {
  return { timeout: 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 };
}

export function emptyStep(): StepMetrics {
  return {
    requests: 0,
    bytesIn: 0,
    bytesOut: 0,
    statusCodes: {},
    errors: emptyErrorCounts(),
    checks: { passed: 0, failed: 0 },
    latency: createLatencyHistogram(),
  };
}

export function errorTotal(errors: ErrorCounts): number {
  return errors.timeout + errors.refused + errors.reset + errors.other + errors.interrupted + errors.blocked;
}

/** Adds `from` into `into`: counters summed, histograms added. */
export function addStep(into: StepMetrics, from: StepMetrics): void {
  into.requests += from.requests;
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  const received = from.received;
  if (received) {
    const codes = received.statusCodes;
    for (let i = 0; i < codes.length; i += 2) into.statusCodes[codes[i]!] = (into.statusCodes[codes[i]!] ?? 0) + codes[i + 1]!;
  } else for (const code in from.statusCodes) into.statusCodes[code] = (into.statusCodes[code] ?? 0) + from.statusCodes[code]!;
  into.errors.timeout += from.errors.timeout;
  into.errors.refused += from.errors.refused;
  into.errors.reset += from.errors.reset;
  into.errors.other += from.errors.other;
  into.errors.interrupted += from.errors.interrupted;
  into.errors.blocked += from.errors.blocked;
  into.checks.passed += from.checks.passed;
  into.checks.failed += from.checks.failed;
  if (received) addBuckets(into.latency, received.latencyBuckets);
  else into.latency.add(from.latency);
}

/** The window's figures over all its steps. */
export function windowTotals(window: Window): StepMetrics {
  const total = emptyStep();
  for (const step of window.steps.values()) addStep(total, step);
  return total;
}
