import type { LoadRequest } from '@loadtest/protocol';
import { LoadRequestSchema } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { resolveLoad, runPeaks } from '../src/index.js';

const peaks = (input: unknown) => runPeaks(resolveLoad(LoadRequestSchema.parse(input) as LoadRequest));

describe('runPeaks', () => {
  it('is the connections and duration of the shorthand', () => {
    expect(peaks({ connections: 50, durationSeconds: 30 })).toEqual({ vus: 50, rate: 0, durationSeconds: 30 });
  });

  it('takes the highest stage of a ramp, not its last', () => {
    const load = {
      scenarios: [
        {
          executor: 'ramping-vus',
          startVUs: 5,
          stages: [
            { duration: 10, target: 200 },
            { duration: 10, target: 20 },
          ],
        },
      ],
    };
    expect(peaks(load)).toEqual({ vus: 200, rate: 0, durationSeconds: 20 });
  });

  it('sums the scenarios that run together, not those that follow each other', () => {
    const together = {
      scenarios: [
        { name: 'a', executor: 'constant-vus', vus: 100, duration: 60 },
        { name: 'b', executor: 'constant-arrival-rate', rate: 300, duration: 30, maxVUs: 40, startTime: 10 },
        { name: 'c', executor: 'ramping-arrival-rate', startRate: 0, stages: [{ duration: 10, target: 500 }], maxVUs: 60, startTime: 100 },
      ],
    };
    // a and b overlap (140 VUs, 300/s); c runs alone later (60 VUs, 500/s at its last instant).
    expect(peaks(together)).toEqual({ vus: 140, rate: 500, durationSeconds: 110 });
  });

  it('counts two ramps at the instant both are high, between their own peaks', () => {
    const crossing = {
      scenarios: [
        { name: 'up', executor: 'ramping-vus', startVUs: 0, stages: [{ duration: 10, target: 100 }] },
        { name: 'down', executor: 'ramping-vus', startVUs: 100, stages: [{ duration: 10, target: 0 }] },
      ],
    };
    expect(peaks(crossing).vus).toBe(100);
    const presets = { scenarios: [{ executor: 'preset', preset: 'SPIKE', vus: 300 }] };
    expect(peaks(presets).vus).toBeGreaterThanOrEqual(300);
  });
});
