import { fieldIssues, RampingVusSchema } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { modelDuration, plannedVus } from '../../src/index.js';

describe('ramping-vus', () => {
  it('follows a straight line through its stages, in whole VUs', () => {
    const model = RampingVusSchema.parse({
      executor: 'ramping-vus',
      stages: [
        { duration: 12, target: 60 },
        { duration: 6, target: 60 },
        { duration: 6, target: 0 },
      ],
    });
    expect([0, 1, 6, 11.9, 12, 17, 18, 21, 23.9, 24].map((t) => plannedVus(model, t))).toEqual([0, 5, 30, 60, 60, 60, 60, 30, 1, 0]);
    expect(modelDuration(model)).toBe(24);
  });

  it('starts from startVUs and counts its stages from its start offset', () => {
    const model = RampingVusSchema.parse({ executor: 'ramping-vus', startVUs: 10, startTime: 5, stages: [{ duration: 10, target: 20 }] });
    expect([4.9, 5, 10, 14.9, 15].map((t) => plannedVus(model, t))).toEqual([0, 10, 15, 20, 0]);
  });

  it('needs at least one stage, with whole-second durations', () => {
    const result = RampingVusSchema.safeParse({ executor: 'ramping-vus', stages: [] });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldIssues(result.error)).toEqual([{ path: 'stages', message: 'needs at least one stage' }]);
    const fractional = RampingVusSchema.safeParse({ executor: 'ramping-vus', stages: [{ duration: 0.5, target: 3 }] });
    expect(fractional.success).toBe(false);
    if (!fractional.success) expect(fieldIssues(fractional.error).map((i) => i.path)).toEqual(['stages[0].duration']);
  });
});
