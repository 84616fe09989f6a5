import { ConstantVusSchema, fieldIssues } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { modelDuration, plannedArrivals, plannedVus } from '../../src/index.js';

describe('constant-vus', () => {
  it('runs its VUs for its duration, after its start offset', () => {
    const model = ConstantVusSchema.parse({ executor: 'constant-vus', vus: 10, duration: 5, startTime: 2 });
    expect([0, 1.9, 2, 6.9, 7].map((t) => plannedVus(model, t))).toEqual([0, 0, 10, 10, 0]);
    expect(modelDuration(model)).toBe(5);
    expect(plannedArrivals(model, 3)).toBe(0);
  });

  it('refuses zero VUs and fractional durations, naming the fields', () => {
    const result = ConstantVusSchema.safeParse({ executor: 'constant-vus', vus: 0, duration: 1.5 });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldIssues(result.error).map((i) => i.path)).toEqual(['vus', 'duration']);
  });
});
