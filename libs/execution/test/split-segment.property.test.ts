import type { Segment } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, segmentShare, splitSegment } from '../src/index.js';

type Fraction = Segment['from'];

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Exact comparison of two fractions (the products stay far below 2^53 here). */
const same = (a: Fraction, b: Fraction) => a.num * b.den === b.num * a.den;

/** A segment of an even split over 1..64 workers, and a number of parts 1..16. */
const evenSegmentAndParts = fc
  .integer({ min: 1, max: 64 })
  .chain((workers) =>
    fc.record({ segment: fc.integer({ min: 0, max: workers - 1 }).map((i) => evenSegments(workers)[i]!), parts: fc.integer({ min: 1, max: 16 }) }),
  );

describe('splitSegment', () => {
  it('splits [1/4, 1/2) in three as reduced fractions', () => {
    expect(splitSegment({ from: { num: 1, den: 4 }, to: { num: 1, den: 2 } }, 3)).toEqual([
      { from: { num: 1, den: 4 }, to: { num: 1, den: 3 } },
      { from: { num: 1, den: 3 }, to: { num: 5, den: 12 } },
      { from: { num: 5, den: 12 }, to: { num: 1, den: 2 } },
    ]);
    expect(splitSegment({ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }, 1)).toEqual([{ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }]);
    expect(() => splitSegment({ from: { num: 0, den: 1 }, to: { num: 1, den: 1 } }, 0)).toThrow(RangeError);
  });

  it('tiles the segment with equal, reduced sub-segments (even segments of 1..64 workers, 1..16 parts)', () => {
    fc.assert(
      fc.property(evenSegmentAndParts, ({ segment, parts }) => {
        const subs = splitSegment(segment, parts);
        expect(subs).toHaveLength(parts);
        expect(same(subs[0]!.from, segment.from)).toBe(true);
        expect(same(subs.at(-1)!.to, segment.to)).toBe(true);
        for (let i = 1; i < parts; i++) expect(subs[i]!.from).toEqual(subs[i - 1]!.to);
        // Each sub-segment is exactly 1/parts of the segment: (to − from) · parts = segment length.
        const length = { num: segment.to.num * segment.from.den - segment.from.num * segment.to.den, den: segment.from.den * segment.to.den };
        for (const sub of subs) {
          for (const f of [sub.from, sub.to]) expect(gcd(f.num, f.den)).toBe(1);
          expect(same({ num: (sub.to.num * sub.from.den - sub.from.num * sub.to.den) * parts, den: sub.from.den * sub.to.den }, length)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives sub-shares that add up exactly to the segment share (totals 0..100000)', () => {
    fc.assert(
      fc.property(evenSegmentAndParts, fc.integer({ min: 0, max: 100_000 }), ({ segment, parts }, total) => {
        const subShares = splitSegment(segment, parts).map((s) => segmentShare(s, total));
        expect(subShares.reduce((a, b) => a + b, 0)).toBe(segmentShare(segment, total));
        for (const share of subShares) expect(share).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
