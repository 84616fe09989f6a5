import { ConstantArrivalRateSchema, fieldIssues } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { modelDuration, plannedArrivals, plannedVus } from '../../src/index.js';

describe('constant-arrival-rate', () => {
  it('plans cumulative arrivals that grow by the rate each second, and no VUs', () => {
    const model = ConstantArrivalRateSchema.parse({ executor: 'constant-arrival-rate', rate: 300, duration: 10, maxVUs: 50 });
    expect([0, 1, 2.5, 10, 11].map((t) => plannedArrivals(model, t))).toEqual([0, 300, 750, 3000, 3000]);
    expect(plannedVus(model, 1)).toBe(0);
    expect(modelDuration(model)).toBe(10);
  });

  it('takes fractional rates without losing the fraction over time', () => {
    const model = ConstantArrivalRateSchema.parse({ executor: 'constant-arrival-rate', rate: 0.5, duration: 10, maxVUs: 1, startTime: 1 });
    expect([1, 2, 3, 11].map((t) => plannedArrivals(model, t))).toEqual([0, 0, 1, 5]);
  });

  it('needs a connection budget and a positive rate', () => {
    const result = ConstantArrivalRateSchema.safeParse({ executor: 'constant-arrival-rate', rate: 0, duration: 5 });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldIssues(result.error).map((i) => i.path)).toEqual(['rate', 'maxVUs']);
  });
});
