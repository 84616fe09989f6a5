import { addStep, emptyStep, type StepMetrics, type Window } from './window.js';

/** Windows added together, per step and in total: counters summed, histograms added. Nothing is averaged. */
export interface MergedWindows {
  windows: number;
  total: StepMetrics;
  steps: Map<string, StepMetrics>;
  /**
   * Time the windows cover, in ms: for each second, the longest of its windows
   * (workers run side by side), added over the seconds. A share that started
   * late or was stopped early has a shorter window for that second.
   */
  spanMs: number;
}

export interface MergeOptions {
  /** Keep only this step. */
  step?: string;
}

export function mergeWindows(windows: Iterable<Window>, options: MergeOptions = {}): MergedWindows {
  const merged: MergedWindows = { windows: 0, total: emptyStep(), steps: new Map(), spanMs: 0 };
  const secondLengths = new Map<number, number>();
  for (const window of windows) {
    merged.windows += 1;
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
    secondLengths.set(window.second, Math.max(secondLengths.get(window.second) ?? 0, window.durationMs));
  }
  for (const length of secondLengths.values()) merged.spanMs += length;
  return merged;
}
