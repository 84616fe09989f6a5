import type { Segment } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, segmentShare, splitSegmentWeighted } from '../src/index.js';

type Fraction = Segment['from'];

/** Exact comparison of two fractions (BigInt: the products may pass 2^53). */
const same = (a: Fraction, b: Fraction) => BigInt(a.num) * BigInt(b.den) === BigInt(b.num) * BigInt(a.den);
const before = (a: Fraction, b: Fraction) => BigInt(a.num) * BigInt(b.den) < BigInt(b.num) * BigInt(a.den);
/** (to − from) as an unreduced BigInt fraction. */
const length = (s: Segment) => ({
  num: BigInt(s.to.num) * BigInt(s.from.den) - BigInt(s.from.num) * BigInt(s.to.den),
  den: BigInt(s.from.den) * BigInt(s.to.den),
});

/** A segment of an even split over 1..64 workers, and 1..8 weights of 1..1000. */
const segmentAndWeights = fc.integer({ min: 1, max: 64 }).chain((workers) =>
  fc.record({
    segment: fc.integer({ min: 0, max: workers - 1 }).map((i) => evenSegments(workers)[i]!),
    weights: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
  }),
);

describe('splitSegmentWeighted', () => {
  it('splits [1/3, 2/3) as 2 : 1 into [1/3, 5/9) and [5/9, 2/3)', () => {
    expect(splitSegmentWeighted({ from: { num: 1, den: 3 }, to: { num: 2, den: 3 } }, [2, 1])).toEqual([
      { from: { num: 1, den: 3 }, to: { num: 5, den: 9 } },
      { from: { num: 5, den: 9 }, to: { num: 2, den: 3 } },
    ]);
    expect(splitSegmentWeighted({ from: { num: 0, den: 1 }, to: { num: 1, den: 2 } }, [7])).toEqual([{ from: { num: 0, den: 1 }, to: { num: 1, den: 2 } }]);
    expect(() => splitSegmentWeighted({ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }, [])).toThrow(RangeError);
    expect(() => splitSegmentWeighted({ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }, [1, 0])).toThrow(RangeError);
  });

  it('gives consecutive, disjoint parts that cover the segment exactly, each in proportion to its weight', () => {
    fc.assert(
      fc.property(segmentAndWeights, ({ segment, weights }) => {
        const parts = splitSegmentWeighted(segment, weights);
        expect(parts).toHaveLength(weights.length);
        expect(same(parts[0]!.from, segment.from)).toBe(true);
        expect(same(parts.at(-1)!.to, segment.to)).toBe(true);
        const total = BigInt(weights.reduce((a, b) => a + b, 0));
        const whole = length(segment);
        parts.forEach((part, i) => {
          // Disjoint and in order: each starts where the previous ended, and is not empty.
          if (i > 0) expect(part.from).toEqual(parts[i - 1]!.to);
          expect(before(part.from, part.to)).toBe(true);
          // length(part) · W = length(segment) · w_i, exactly.
          const own = length(part);
          expect(own.num * total * whole.den).toBe(whole.num * BigInt(weights[i]!) * own.den);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('gives shares of any total that add up to the segment share (totals 0..100000)', () => {
    fc.assert(
      fc.property(segmentAndWeights, fc.integer({ min: 0, max: 100_000 }), ({ segment, weights }, total) => {
        const shares = splitSegmentWeighted(segment, weights).map((part) => segmentShare(part, total));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(segmentShare(segment, total));
        for (const share of shares) expect(share).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
