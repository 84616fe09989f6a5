import type { ConstantArrivalRate } from '@loadtest/protocol';

/** Requests planned to have started by `t` seconds after the scenario's start, for the whole run. */
export function constantArrivalsBy(model: ConstantArrivalRate, t: number): number {
  return Math.floor(model.rate * Math.min(Math.max(t, 0), model.duration) + 1e-9);
}

export function constantArrivalDuration(model: ConstantArrivalRate): number {
  return model.duration;
}
