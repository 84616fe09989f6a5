import type { ConstantVus } from '@loadtest/protocol';

/** VUs planned for the whole run at `t` seconds after the scenario's start. */
export function constantVusAt(model: ConstantVus, t: number): number {
  return t >= 0 && t < model.duration ? model.vus : 0;
}

export function constantVusDuration(model: ConstantVus): number {
  return model.duration;
}
