import type { LoadModel, Segment } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, segmentConnections, segmentFraction, segmentShare, weightedSegments } from '../src/index.js';

/** The definition itself: the most VUs of any count a ramp passes through, counted one by one (2/length counts). */
function mostByCounting(segment: Segment, peak: number): number {
  const length = segmentFraction(segment);
  if (length <= 0) return 0;
  let most = 0;
  for (let vus = Math.max(1, peak - Math.ceil(2 / length) - 1); vus <= peak; vus++) most = Math.max(most, segmentShare(segment, vus));
  return most;
}

const ramp = (peak: number): LoadModel => ({
  name: 'r',
  executor: 'ramping-vus',
  startVUs: 0,
  stages: [{ duration: 10, target: peak }],
  startTime: 0,
  gracefulStop: 0,
});

describe('segmentConnections', () => {
  it('equals the most VUs of any count up to the peak, for even and weighted segments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 16 }),
        (count, peak, capacities) => {
          for (const segment of [...evenSegments(count), ...weightedSegments(capacities)])
            expect(segmentConnections(segment, ramp(peak))).toBe(mostByCounting(segment, peak));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('admits a 1000-worker run in a few steps per worker: the same answers as counting, without 2/length counts each', () => {
    const segments = evenSegments(1000);
    for (const peak of [10_000, 10_999, 1_000_000])
      for (const segment of [segments[0]!, segments[499]!, segments[999]!]) expect(segmentConnections(segment, ramp(peak))).toBe(mostByCounting(segment, peak));
  });
});
