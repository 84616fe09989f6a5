import type { LoadModel } from '@loadtest/protocol';
import { LoadModelSchema } from '@loadtest/protocol';
import { describe, expect, it } from 'vitest';
import { modelDuration, plannedArrivals, plannedVus } from '../src/index.js';

const parse = (model: unknown): LoadModel => LoadModelSchema.parse(model);

describe('load models', () => {
  it('constant-vus: the VUs for the duration, after the start offset', () => {
    const model = parse({ executor: 'constant-vus', vus: 10, duration: 5, startTime: 2 });
    expect([0, 1.9, 2, 6.9, 7].map((t) => plannedVus(model, t))).toEqual([0, 0, 10, 10, 0]);
    expect(modelDuration(model)).toBe(5);
  });

  it('ramping-vus: a straight line through the stages', () => {
    const model = parse({ executor: 'ramping-vus', stages: [{ duration: 12, target: 60 }, { duration: 6, target: 60 }, { duration: 6, target: 0 }] });
    expect([0, 1, 6, 11.9, 12, 17, 18, 21, 23.9, 24].map((t) => plannedVus(model, t))).toEqual([0, 5, 30, 60, 60, 60, 60, 30, 1, 0]);
  });

  it('constant-arrival-rate: cumulative arrivals grow by the rate each second', () => {
    const model = parse({ executor: 'constant-arrival-rate', rate: 300, duration: 10, maxVUs: 50 });
    expect([0, 1, 2.5, 10, 11].map((t) => plannedArrivals(model, t))).toEqual([0, 300, 750, 3000, 3000]);
    expect(plannedVus(model, 1)).toBe(0);
  });

  it('ramping-arrival-rate: cumulative arrivals are the area under the rate line', () => {
    const model = parse({ executor: 'ramping-arrival-rate', startRate: 0, stages: [{ duration: 10, target: 100 }, { duration: 10, target: 100 }], maxVUs: 50 });
    // Ramp 0→100 rps over 10 s: 500 requests; then 100 rps for 10 s.
    expect([0, 5, 10, 15, 20, 30].map((t) => plannedArrivals(model, t))).toEqual([0, 125, 500, 1000, 1500, 1500]);
  });

  it('rejects models that cannot run, naming the field', () => {
    const result = LoadModelSchema.safeParse({ executor: 'ramping-vus', stages: [] });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]!.path).toEqual(['stages']);
    expect(LoadModelSchema.safeParse({ executor: 'constant-vus', vus: 0, duration: 5 }).success).toBe(false);
    expect(LoadModelSchema.safeParse({ executor: 'warp-drive' }).success).toBe(false);
  });
});
