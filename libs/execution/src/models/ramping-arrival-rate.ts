import type { RampingArrivalRate } from '@loadtest/protocol';
import { stageIntegral, stagesDuration } from './stages.js';

/** Requests planned to have started by `t` seconds after the scenario's start, for the whole run. */
export function rampingArrivalsBy(model: RampingArrivalRate, t: number): number {
  const until = Math.min(Math.max(t, 0), rampingArrivalDuration(model));
  return Math.floor(stageIntegral(model.startRate, model.stages, until) + 1e-9);
}

export function rampingArrivalDuration(model: RampingArrivalRate): number {
  return stagesDuration(model.stages);
}
