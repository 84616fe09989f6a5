import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, segmentShare, weightedSegments } from '../src/index.js';

const weightsArb = fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 64 });

describe('weightedSegments', () => {
  it('weighs by capacity: 3000/1000 of 100 is 75/25; equal weights are the even segments', () => {
    expect(weightedSegments([3000, 1000]).map((s) => segmentShare(s, 100))).toEqual([75, 25]);
    expect(weightedSegments([3000, 1000])).toEqual([
      { from: { num: 0, den: 4 }, to: { num: 3, den: 4 } },
      { from: { num: 3, den: 4 }, to: { num: 4, den: 4 } },
    ]);
    expect(weightedSegments([5000, 5000, 5000])).toEqual(evenSegments(3));
    expect(weightedSegments([5000, 5000, 5000]).map((s) => segmentShare(s, 100))).toEqual([34, 33, 33]);
    expect(weightedSegments([7])).toEqual([{ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }]);
  });

  it('refuses weights that are not whole numbers ≥ 1', () => {
    expect(() => weightedSegments([])).toThrow(RangeError);
    expect(() => weightedSegments([1, 0])).toThrow(RangeError);
    expect(() => weightedSegments([1.5])).toThrow(RangeError);
  });

  it('tiles [0, 1) exactly, with one denominator and no common factor left in the weights', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const segments = weightedSegments(weights);
        expect(segments).toHaveLength(weights.length);
        const den = segments[0]!.from.den;
        expect(segments[0]!.from.num).toBe(0);
        expect(segments.at(-1)!.to.num).toBe(den);
        for (let i = 0; i < segments.length; i++) {
          const s = segments[i]!;
          expect(s.from.den).toBe(den);
          expect(s.to.den).toBe(den);
          expect(s.to.num).toBeGreaterThan(s.from.num);
          if (i > 0) expect(s.from).toEqual(segments[i - 1]!.to);
          // Lengths are proportional to the weights: (to − from) / den = w_i / W.
          expect((s.to.num - s.from.num) * weights.reduce((a, b) => a + b, 0)).toBe(weights[i]! * den);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives shares of any total that add up to it, each within one of total × w_i / W', () => {
    fc.assert(
      fc.property(weightsArb, fc.nat({ max: 10_000_000 }), (weights, total) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        const shares = weightedSegments(weights).map((s) => segmentShare(s, total));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        shares.forEach((share, i) => expect(Math.abs(share - (total * weights[i]!) / sum)).toBeLessThan(1));
      }),
      { numRuns: 500 },
    );
  });
});
