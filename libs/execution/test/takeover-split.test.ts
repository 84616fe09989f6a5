import type { LoadModel, Segment } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { arrivalsShare, evenSegments, planTakeoverSplit, segmentConnections, segmentShare } from '../src/index.js';

const rate = (rate: number, maxVUs: number): LoadModel =>
  ({ executor: 'constant-arrival-rate', name: 'rate', rate, duration: 10, timeUnit: 1, maxVUs, preAllocatedVUs: maxVUs, startTime: 0 }) as LoadModel;
const connections = (segment: Segment, scenarios: LoadModel[]) => scenarios.reduce((sum, s) => sum + segmentConnections(segment, s), 0);
/** Exact comparison of two fractions. */
const same = (a: Segment['from'], b: Segment['from']) => a.num * b.den === b.num * a.den;

describe('planTakeoverSplit', () => {
  const third = evenSegments(3)[2]!;

  it('splits a lost third between two busy workers in proportion to their room', () => {
    const scenarios = [rate(300, 60)];
    const split = planTakeoverSplit(third, scenarios, [
      { workerId: 'w1', spare: 100 },
      { workerId: 'w2', spare: 100 },
    ]);
    expect(split.uncovered).toBeNull();
    expect(split.parts.map((p) => p.workerId)).toEqual(['w1', 'w2']);
    expect(split.parts.map((p) => p.segment)).toEqual([
      { from: { num: 2, den: 3 }, to: { num: 5, den: 6 } },
      { from: { num: 5, den: 6 }, to: { num: 1, den: 1 } },
    ]);
    // The planned arrivals of the lost third, to the request: 100/s over 10 s.
    const arrivals = split.parts.reduce((sum, p) => sum + arrivalsShare(p.segment, scenarios[0]!, 10), 0);
    expect(arrivals).toBe(arrivalsShare(third, scenarios[0]!, 10));
    expect(split.parts.map((p) => p.connections)).toEqual([10, 10]);
  });

  it('takes only what fits when the takers are short of room, and says what is left', () => {
    const split = planTakeoverSplit(
      third,
      [rate(300, 60)],
      [
        { workerId: 'w1', spare: 5 },
        { workerId: 'w2', spare: 5 },
      ],
    );
    expect(split.parts.map((p) => p.connections)).toEqual([5, 5]);
    expect(split.uncovered).toEqual({ from: { num: 5, den: 6 }, to: { num: 1, den: 1 } });
  });

  it('leaves out a taker without room, and takes nothing when no one has any', () => {
    expect(
      planTakeoverSplit(
        third,
        [rate(300, 60)],
        [
          { workerId: 'w1', spare: 0 },
          { workerId: 'w2', spare: 40 },
        ],
      ).parts.map((p) => p.workerId),
    ).toEqual(['w2']);
    expect(planTakeoverSplit(third, [rate(300, 60)], [{ workerId: 'w1', spare: 0 }])).toEqual({ parts: [], uncovered: third });
    expect(planTakeoverSplit(third, [rate(300, 60)], [])).toEqual({ parts: [], uncovered: third });
  });

  it('gives every part a connection of every scenario, leaving out the smallest taker if need be', () => {
    // 2 connections of the lost third: three takers cannot each get one.
    const split = planTakeoverSplit(
      third,
      [rate(30, 6)],
      [
        { workerId: 'a', spare: 10 },
        { workerId: 'b', spare: 10 },
        { workerId: 'c', spare: 1 },
      ],
    );
    expect(split.parts.map((p) => p.workerId)).toEqual(['a', 'b']);
    for (const part of split.parts) expect(part.connections).toBeGreaterThanOrEqual(1);
  });

  it('never puts a taker past its room, and its parts tile the segment (random loads and takers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 }),
        (workers, r, maxVUs, spares) => {
          const segment = evenSegments(workers)[workers - 1]!;
          const scenarios = [rate(r, maxVUs)];
          const takers = spares.map((spare, i) => ({ workerId: `w${i}`, spare }));
          const { parts, uncovered } = planTakeoverSplit(segment, scenarios, takers);
          const pieces = [...parts.map((p) => p.segment), ...(uncovered ? [uncovered] : [])];
          expect(same(pieces[0]!.from, segment.from)).toBe(true);
          expect(same(pieces.at(-1)!.to, segment.to)).toBe(true);
          for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toEqual(pieces[i - 1]!.to);
          for (const part of parts) {
            expect(part.connections).toBe(connections(part.segment, scenarios));
            expect(part.connections).toBeLessThanOrEqual(takers.find((t) => t.workerId === part.workerId)!.spare);
            expect(segmentShare(part.segment, maxVUs)).toBeGreaterThanOrEqual(1);
          }
          // Room enough for the whole segment: it is all taken, and the arrivals add up exactly.
          if (uncovered === null) {
            expect(parts.reduce((sum, p) => sum + arrivalsShare(p.segment, scenarios[0]!, 10), 0)).toBe(arrivalsShare(segment, scenarios[0]!, 10));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
