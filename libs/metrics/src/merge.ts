import { addStep, emptyStep, type StepMetrics, type Window } from './window.js';

/** Windows added together, per step and in total: counters summed, histograms added. Nothing is averaged. */
export interface MergedWindows {
  windows: number;
  total: StepMetrics;
  /**
   * Requests the open model planned but could not send, summed over the
   * windows. Counted per window, not per step: a step filter keeps them all.
   */
  dropped: number;
  steps: Map<string, StepMetrics>;
  /**
   * Time the windows cover, in ms: for each second, the longest of its windows
   * (workers run side by side), added over the seconds. A share that started
   * late or was stopped early has a shorter window for that second.
   */
  spanMs: number;
  /** Longest window seen per second, from which `spanMs` is kept up to date. */
  secondLengths: Map<number, number>;
}

export interface MergeOptions {
  /** Keep only this step. */
  step?: string;
}

/** Hidden state of a running merge whose total is summed from its steps when read (see {@link emptyMerged}). */
const LAZY_TOTAL = Symbol('lazy total');

interface LazyTotal {
  /** The total as last summed; undefined once a step changed since. */
  sum: StepMetrics | undefined;
}

/**
 * A running merge. Its `total` is the sum of its steps (every request belongs to a step), summed when it is read
 * rather than added to with every window: adding a window then costs one histogram addition per step instead of
 * two, which is most of what merging costs at a thousand windows a second. Reading the total after a change costs
 * one addition of whole histograms per step, so it should be read per second or per report, not per window.
 */
export function emptyMerged(): MergedWindows {
  const lazy: LazyTotal = { sum: emptyStep() };
  const merged = { windows: 0, dropped: 0, steps: new Map<string, StepMetrics>(), spanMs: 0, secondLengths: new Map<number, number>() };
  Object.defineProperty(merged, LAZY_TOTAL, { value: lazy, enumerable: false });
  Object.defineProperty(merged, 'total', {
    enumerable: true,
    get(): StepMetrics {
      if (!lazy.sum) {
        const sum = emptyStep();
        for (const step of merged.steps.values()) addStep(sum, step);
        lazy.sum = sum;
      }
      return lazy.sum;
    },
  });
  return merged as MergedWindows;
}

/** Marks a lazily summed total as out of date; false for a merge built otherwise, whose total is added to eagerly. */
function totalChanged(merged: MergedWindows): boolean {
  const lazy = (merged as MergedWindows & { [LAZY_TOTAL]?: LazyTotal })[LAZY_TOTAL];
  if (!lazy) return false;
  lazy.sum = undefined;
  return true;
}

/** Adds one window into a running merge (e.g. a live run's totals so far). */
export function addWindow(merged: MergedWindows, window: Window, options: MergeOptions = {}): void {
  merged.windows += 1;
  merged.dropped += window.dropped;
  const eagerTotal = !totalChanged(merged);
  for (const [name, step] of window.steps) {
    if (options.step !== undefined && name !== options.step) continue;
    let into = merged.steps.get(name);
    if (!into) {
      into = emptyStep();
      merged.steps.set(name, into);
    }
    addStep(into, step);
    if (eagerTotal) addStep(merged.total, step);
  }
  const previous = merged.secondLengths.get(window.second) ?? 0;
  if (window.durationMs > previous) {
    merged.secondLengths.set(window.second, window.durationMs);
    merged.spanMs += window.durationMs - previous;
  }
}

/** Adds one running merge into another (e.g. a live second, merged as its windows came, into the run's totals). */
export function addMerged(into: MergedWindows, from: MergedWindows): void {
  into.windows += from.windows;
  into.dropped += from.dropped;
  for (const [name, step] of from.steps) {
    let target = into.steps.get(name);
    if (!target) {
      target = emptyStep();
      into.steps.set(name, target);
    }
    addStep(target, step);
  }
  if (!totalChanged(into)) addStep(into.total, from.total);
  for (const [second, durationMs] of from.secondLengths) {
    const previous = into.secondLengths.get(second) ?? 0;
    if (durationMs > previous) {
      into.secondLengths.set(second, durationMs);
      into.spanMs += durationMs - previous;
    }
  }
}

export function mergeWindows(windows: Iterable<Window>, options: MergeOptions = {}): MergedWindows {
  const merged = emptyMerged();
  for (const window of windows) addWindow(merged, window, options);
  return merged;
}

/**
 * Windows of one and the same second (a worker's engine threads) as one window: steps added exactly, dropped and
 * VUs in progress summed, the longest duration (the threads ran side by side).
 */
export function mergeSameSecond(second: number, windows: readonly Window[]): Window {
  const merged: Window = { second, durationMs: 0, dropped: 0, steps: new Map() };
  for (const window of windows) {
    if (window.second !== second) throw new Error(`mergeSameSecond: a window of second ${window.second} among those of second ${second}`);
    merged.durationMs = Math.max(merged.durationMs, window.durationMs);
    merged.dropped += window.dropped;
    if (window.vus !== undefined) merged.vus = (merged.vus ?? 0) + window.vus;
    for (const [name, step] of window.steps) {
      let into = merged.steps.get(name);
      if (!into) {
        into = emptyStep();
        merged.steps.set(name, into);
      }
      addStep(into, step);
    }
  }
  return merged;
}
