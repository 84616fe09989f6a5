import type { LoadModel, RunLoad } from '@loadtest/protocol';
import { modelDuration } from './plan.js';
import { stageValue } from './models/stages.js';

/** The most a run plans to ask at once, and how long it lasts: what per-run caps are checked against. */
export interface RunPeaks {
  /** Concurrent virtual users: closed scenarios' VUs plus open scenarios' `maxVUs`, summed over the scenarios running together. */
  vus: number;
  /** Requests per second started by the open (arrival-rate) scenarios running together; 0 for a run of closed scenarios only. */
  rate: number;
  /** The run's planned length (the end of its last scenario), graceful stops excluded. */
  durationSeconds: number;
}

/** A scenario's VUs (or `maxVUs`) and arrival rate `local` seconds after its own start; its end is included. */
function levelAt(scenario: LoadModel, local: number): { vus: number; rate: number } {
  if (local < 0 || local > modelDuration(scenario)) return { vus: 0, rate: 0 };
  switch (scenario.executor) {
    case 'constant-vus':
      return { vus: scenario.vus, rate: 0 };
    case 'ramping-vus':
      return { vus: Math.round(stageValue(scenario.startVUs, scenario.stages, local)), rate: 0 };
    case 'constant-arrival-rate':
      return { vus: scenario.maxVUs, rate: scenario.rate };
    case 'ramping-arrival-rate':
      return { vus: scenario.maxVUs, rate: stageValue(scenario.startRate, scenario.stages, local) };
  }
}

/** Instants, from the run's start, where a scenario starts, ends or changes stage: between them every level is linear. */
function breakpoints(scenario: LoadModel): number[] {
  const points = [scenario.startTime, scenario.startTime + modelDuration(scenario)];
  if (scenario.executor === 'ramping-vus' || scenario.executor === 'ramping-arrival-rate') {
    let at = scenario.startTime;
    for (const stage of scenario.stages) points.push((at += stage.duration));
  }
  return points;
}

/**
 * The run's peaks over time. Levels are piecewise linear between the scenarios' breakpoints, so their sum peaks at
 * one of them. A scenario counts at its end instant too: one that ends as another starts overlaps it in the worst
 * case (its VUs may finish their iterations for its gracefulStop), so the peak is never under-estimated.
 */
export function runPeaks(load: Pick<RunLoad, 'scenarios' | 'durationSeconds'>): RunPeaks {
  let vus = 0;
  let rate = 0;
  for (const t of load.scenarios.flatMap(breakpoints)) {
    let vusAt = 0;
    let rateAt = 0;
    for (const scenario of load.scenarios) {
      const level = levelAt(scenario, t - scenario.startTime);
      vusAt += level.vus;
      rateAt += level.rate;
    }
    vus = Math.max(vus, vusAt);
    rate = Math.max(rate, rateAt);
  }
  return { vus, rate, durationSeconds: load.durationSeconds };
}
