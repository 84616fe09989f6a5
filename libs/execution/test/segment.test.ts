import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, segmentShare } from '../src/index.js';

describe('execution segments', () => {
  it('split 100 over three equal segments as 34/33/33', () => {
    expect(evenSegments(3).map((s) => segmentShare(s, 100))).toEqual([34, 33, 33]);
    // Remainders fall where the segment boundaries cross whole units, not all at the front.
    expect(evenSegments(4).map((s) => segmentShare(s, 10))).toEqual([3, 2, 3, 2]);
    expect(evenSegments(3).map((s) => segmentShare(s, 1))).toEqual([1, 0, 0]);
  });

  it('always add up to the total and stay within one of the exact fraction (1..64 segments)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.nat({ max: 10_000_000 }), (count, total) => {
        const shares = evenSegments(count).map((s) => segmentShare(s, total));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        for (const share of shares) expect(Math.abs(share - total / count)).toBeLessThan(1);
      }),
      { numRuns: 500 },
    );
  });
});
