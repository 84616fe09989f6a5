import type { LoadModel } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { arrivalsShare, evenSegments, modelDuration, plannedArrivals, plannedVus, segmentFraction, vusShare } from '../src/index.js';

const stage = fc.record({ duration: fc.integer({ min: 1, max: 20 }), target: fc.integer({ min: 0, max: 500 }) });
const closedModel: fc.Arbitrary<LoadModel> = fc.oneof(
  fc.record({
    name: fc.constant('s'),
    executor: fc.constant('constant-vus' as const),
    vus: fc.integer({ min: 1, max: 1000 }),
    duration: fc.integer({ min: 1, max: 30 }),
    startTime: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({
    name: fc.constant('s'),
    executor: fc.constant('ramping-vus' as const),
    startVUs: fc.integer({ min: 0, max: 200 }),
    stages: fc.array(stage, { minLength: 1, maxLength: 5 }),
    startTime: fc.integer({ min: 0, max: 5 }),
  }),
);
const openModel: fc.Arbitrary<LoadModel> = fc.oneof(
  fc.record({
    name: fc.constant('s'),
    executor: fc.constant('constant-arrival-rate' as const),
    rate: fc.integer({ min: 1, max: 5000 }),
    duration: fc.integer({ min: 1, max: 30 }),
    maxVUs: fc.constant(100),
    startTime: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({
    name: fc.constant('s'),
    executor: fc.constant('ramping-arrival-rate' as const),
    startRate: fc.integer({ min: 0, max: 1000 }),
    stages: fc.array(stage, { minLength: 1, maxLength: 5 }),
    maxVUs: fc.constant(100),
    startTime: fc.integer({ min: 0, max: 5 }),
  }),
);

export const SHARE_PROPERTY_RUNS = 300;

describe('shares from execution segments (property tests)', () => {
  it(`VUs: for 1..64 workers, the shares at every second add up to exactly the planned total (${SHARE_PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), closedModel, (workers, model) => {
        const segments = evenSegments(workers);
        const end = model.startTime + modelDuration(model);
        for (let t = 0; t <= end; t += 0.5) {
          const shares = segments.map((s) => vusShare(s, model, t));
          expect(shares.reduce((a, b) => a + b, 0)).toBe(plannedVus(model, t));
          expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: SHARE_PROPERTY_RUNS },
    );
    // Several seconds of pure computation: on a busy 2-core machine it may take longer than jest's 5 s default.
  }, 60_000);

  it(`arrival rates: every second's shares add up exactly, and no worker drifts a request from its exact fraction (${SHARE_PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), openModel, (workers, model) => {
        const segments = evenSegments(workers);
        const end = model.startTime + modelDuration(model);
        for (let t = 1; t <= end + 1; t++) {
          const planned = plannedArrivals(model, t) - plannedArrivals(model, t - 1);
          const perWorker = segments.map((s) => arrivalsShare(s, model, t) - arrivalsShare(s, model, t - 1));
          expect(perWorker.reduce((a, b) => a + b, 0)).toBe(planned);
          for (const [i, s] of segments.entries()) {
            // Cumulatively within one request of the exact fraction; so each second within one of its exact share on average.
            expect(Math.abs(arrivalsShare(s, model, t) - segmentFraction(s) * plannedArrivals(model, t))).toBeLessThan(1);
            expect(Math.abs(perWorker[i]! - segmentFraction(s) * planned)).toBeLessThan(2);
          }
        }
      }),
      { numRuns: SHARE_PROPERTY_RUNS },
    );
    // Several seconds of pure computation: on a busy 2-core machine it may take longer than jest's 5 s default.
  }, 60_000);

  it('100 VUs over 3 workers is 34/33/33 at every moment of a ramp that stays at 100', () => {
    const model: LoadModel = { name: 's', executor: 'ramping-vus', startVUs: 100, stages: [{ duration: 10, target: 100 }], startTime: 0 };
    for (let t = 0; t < 10; t += 0.25) expect(evenSegments(3).map((s) => vusShare(s, model, t))).toEqual([34, 33, 33]);
  });
});
