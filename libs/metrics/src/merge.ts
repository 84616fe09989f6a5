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

export function emptyMerged(): MergedWindows {
  return { windows: 0, total: emptyStep(), dropped: 0, steps: new Map(), spanMs: 0, secondLengths: new Map() };
}

/** Adds one window into a running merge (e.g. a live run's totals so far). */
export function addWindow(merged: MergedWindows, window: Window, options: MergeOptions = {}): void {
  merged.windows += 1;
  merged.dropped += window.dropped;
  for (const [name, step] of window.steps) {
    if (options.step !== undefined && name !== options.step) continue;
    let into = merged.steps.get(name);
    if (!into) {
      into = emptyStep();
      merged.steps.set(name, into);
    }
    addStep(into, step);
    addStep(merged.total, step);
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
  addStep(into.total, from.total);
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
