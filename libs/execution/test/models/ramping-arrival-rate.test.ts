import { fieldIssues, RampingArrivalRateSchema } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { modelDuration, plannedArrivals } from '../../src/index.js';

describe('ramping-arrival-rate', () => {
  it('plans the area under the rate line as cumulative arrivals', () => {
    const model = RampingArrivalRateSchema.parse({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [
        { duration: 10, target: 100 },
        { duration: 10, target: 100 },
      ],
      maxVUs: 50,
    });
    // Ramp 0→100 rps over 10 s: 500 iterations; then 100 rps for 10 s.
    expect([0, 5, 10, 15, 20, 30].map((t) => plannedArrivals(model, t))).toEqual([0, 125, 500, 1000, 1500, 1500]);
    expect(modelDuration(model)).toBe(20);
  });

  it('ramps down as well as up', () => {
    const model = RampingArrivalRateSchema.parse({ executor: 'ramping-arrival-rate', startRate: 100, stages: [{ duration: 10, target: 0 }], maxVUs: 5 });
    expect([5, 10].map((t) => plannedArrivals(model, t))).toEqual([375, 500]);
  });

  it('names the field of a bad stage', () => {
    const result = RampingArrivalRateSchema.safeParse({ executor: 'ramping-arrival-rate', stages: [{ duration: 5, target: -1 }], maxVUs: 5 });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldIssues(result.error).map((i) => i.path)).toEqual(['stages[0].target']);
  });
});
