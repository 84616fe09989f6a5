import type { RampingVus } from '@loadtest/protocol';
import { stagesDuration, stageValue } from './stages.js';

/**
 * VUs planned for the whole run at `t` seconds after the scenario's start: the
 * stages' line, rounded to whole VUs the same way everywhere.
 */
export function rampingVusAt(model: RampingVus, t: number): number {
  if (t < 0 || t >= rampingVusDuration(model)) return 0;
  return Math.round(stageValue(model.startVUs, model.stages, t));
}

export function rampingVusDuration(model: RampingVus): number {
  return stagesDuration(model.stages);
}
