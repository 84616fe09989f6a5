import type { RunLoad, Scenario } from '@loadtest/protocol';
import { formatSeconds } from '../output/format.js';

const vus = (n: number) => `${n} VU${n === 1 ? '' : 's'}`;

function peak(stages: readonly { target: number }[], start: number): number {
  return Math.max(start, ...stages.map((s) => s.target));
}

/** One scenario in a few words: `constant-vus 5 VUs for 30s`, `LOAD preset up to 50 VUs over 5m`. */
export function describeScenario(scenario: Scenario): string {
  const start = scenario.startTime > 0 ? ` from ${formatSeconds(scenario.startTime)}` : '';
  switch (scenario.executor) {
    case 'constant-vus':
      return `constant-vus ${vus(scenario.vus)} for ${formatSeconds(scenario.duration)}${start}`;
    case 'ramping-vus': {
      const length = scenario.stages.reduce((sum, s) => sum + s.duration, 0);
      const shape = scenario.preset
        ? `${scenario.preset.preset} preset`
        : `ramping-vus ${scenario.stages.length} stage${scenario.stages.length === 1 ? '' : 's'}`;
      return `${shape} up to ${vus(peak(scenario.stages, scenario.startVUs))} over ${formatSeconds(length)}${start}`;
    }
    case 'constant-arrival-rate':
      return `constant-arrival-rate ${scenario.rate}/s for ${formatSeconds(scenario.duration)} (max ${vus(scenario.maxVUs)})${start}`;
    case 'ramping-arrival-rate': {
      const length = scenario.stages.reduce((sum, s) => sum + s.duration, 0);
      return `ramping-arrival-rate up to ${peak(scenario.stages, scenario.startRate)}/s over ${formatSeconds(length)} (max ${vus(scenario.maxVUs)})${start}`;
    }
  }
}

export function describeLoad(load: RunLoad): string {
  return load.scenarios.map((s) => (load.scenarios.length > 1 ? `${s.name}: ${describeScenario(s)}` : describeScenario(s))).join('; ');
}
