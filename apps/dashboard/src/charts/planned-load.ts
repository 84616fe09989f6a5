import { peakConcurrency, plannedArrivals, plannedVus } from '@loadtest/execution';
import type { RunLoad } from '@loadtest/protocol';

/** The planned load, one point per second: VUs of the closed models, arrivals per second of the open ones. */
export interface PlannedLoad {
  seconds: number[];
  vus: number[];
  rate: number[];
  durationSeconds: number;
  /** The connections the run needs from the workers together: each scenario's peak (its VUs, or maxVUs), as the master counts them. */
  peakConnections: number;
}

/** Samples the resolved load each second with the functions the workers pace by. */
export function plannedLoad(load: RunLoad): PlannedLoad {
  const seconds: number[] = [];
  const vus: number[] = [];
  const rate: number[] = [];
  for (let t = 0; t <= load.durationSeconds; t++) {
    seconds.push(t);
    let vusAt = 0;
    let arrivals = 0;
    for (const scenario of load.scenarios) {
      vusAt += plannedVus(scenario, t);
      arrivals += plannedArrivals(scenario, t + 1) - plannedArrivals(scenario, t);
    }
    vus.push(vusAt);
    rate.push(arrivals);
  }
  const peakConnections = load.scenarios.reduce((sum, scenario) => sum + peakConcurrency(scenario), 0);
  return { seconds, vus, rate, durationSeconds: load.durationSeconds, peakConnections };
}
