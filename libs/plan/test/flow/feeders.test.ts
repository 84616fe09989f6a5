import { evenSegments, splitSegment, type Segment } from '@loadtest/execution';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { parseFeederRows } from '../../src/flow/feeders/parse-rows.js';
import { rowCursor } from '../../src/flow/feeders/row-cursor.js';
import { connectionRows, segmentRows } from '../../src/flow/feeders/row-split.js';
import { ShareFeeders } from '../../src/flow/feeders/share-feeders.js';
import type { Row } from '../../src/flow/scope.js';
import { plan } from './helpers.js';

const csv = (n: number) => `id,name\n${Array.from({ length: n }, (_, i) => `${i},user ${i}`).join('\n')}\n`;
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: String(i) }));
const take = (cursor: { next(): Row | undefined }, count: number) => Array.from({ length: count }, () => cursor.next()?.id ?? '-');

/** A random tiling of [0, 1) into `parts` segments with boundaries on a grid of `den`. */
function tiling(cuts: number[], den: number): Segment[] {
  const points = [0, ...[...new Set(cuts.map((c) => c % den))].filter((c) => c > 0).sort((a, b) => a - b), den];
  return points.slice(1).map((to, i) => ({ from: { num: points[i]!, den }, to: { num: to, den } }));
}

describe('feeders', () => {
  it('reads CSV (header line: the columns) and JSON (an array of objects, values as text) from attachments', () => {
    const p = plan([{ name: 'a', method: 'GET', url: '/${u.id}/${j.n}' }], {
      attachments: [
        { name: 'users.csv', text: 'id,name\n1,"Ann, B"\n2,Bob\n' },
        {
          name: 'data.json',
          base64: Buffer.from(
            JSON.stringify([
              { n: 1, o: { a: 1 } },
              { n: 'x', o: null },
            ]),
          ).toString('base64'),
        },
      ],
      feeders: [
        { name: 'u', attachment: 'users.csv' },
        { name: 'j', attachment: 'data.json' },
      ],
    });
    expect(parseFeederRows(p.feeders[0]!, p.attachments)).toEqual([
      { id: '1', name: 'Ann, B' },
      { id: '2', name: 'Bob' },
    ]);
    expect(parseFeederRows(p.feeders[1]!, p.attachments)).toEqual([
      { n: '1', o: '{"a":1}' },
      { n: 'x', o: '' },
    ]);
  });

  it('sequential: all rows in order from the VU own offset, round again (recycle) or one pass (stop)', () => {
    const all = rows(5);
    expect(take(rowCursor({ mode: 'sequential', onExhausted: 'recycle', rows: all, own: { from: 3, to: 4 } }), 7)).toEqual(['3', '4', '0', '1', '2', '3', '4']);
    expect(take(rowCursor({ mode: 'sequential', onExhausted: 'stop', rows: all, own: { from: 2, to: 2 } }), 6)).toEqual(['2', '3', '4', '0', '1', '-']);
  });

  it('random: any row, never exhausted', () => {
    const cursor = rowCursor({ mode: 'random', onExhausted: 'stop', rows: rows(4), own: { from: 0, to: 1 } });
    const seen = new Set(take(cursor, 400));
    expect([...seen].sort()).toEqual(['0', '1', '2', '3']);
  });

  it('unique: the VU own rows once (stop), or again (recycle); no own rows stops it at once', () => {
    const all = rows(10);
    expect(take(rowCursor({ mode: 'unique', onExhausted: 'stop', rows: all, own: { from: 4, to: 7 } }), 5)).toEqual(['4', '5', '6', '-', '-']);
    expect(take(rowCursor({ mode: 'unique', onExhausted: 'recycle', rows: all, own: { from: 4, to: 6 } }), 5)).toEqual(['4', '5', '4', '5', '4']);
    expect(take(rowCursor({ mode: 'unique', onExhausted: 'recycle', rows: all, own: { from: 4, to: 4 } }), 2)).toEqual(['-', '-']);
  });

  it('100 rows over 3 workers: 34/33/33, then over each worker connections', () => {
    const ranges = evenSegments(3).map((s) => segmentRows(s, 100));
    expect(ranges).toEqual([
      { from: 0, to: 34 },
      { from: 34, to: 67 },
      { from: 67, to: 100 },
    ]);
    expect([0, 1, 2].map((k) => connectionRows(ranges[1]!, k, 3))).toEqual([
      { from: 34, to: 45 },
      { from: 45, to: 56 },
      { from: 56, to: 67 },
    ]);
  });

  it('property: for any tiling into 1..16 workers, each split again into engine threads, and C connections each, every row goes to exactly one connection', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 0, maxLength: 15 }),
        fc.integer({ min: 16, max: 10_000 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 })), { minLength: 16, maxLength: 16 }),
        (total, cuts, den, shapes) => {
          const uses = new Array<number>(total).fill(0);
          tiling(cuts, den).forEach((worker, w) => {
            const [threads, connections] = shapes[w]!;
            for (const segment of splitSegment(worker, threads)) {
              const range = segmentRows(segment, total);
              for (let k = 0; k < connections; k++) {
                const own = connectionRows(range, k, connections);
                for (let row = own.from; row < own.to; row++) uses[row]! += 1;
              }
            }
          });
          expect(uses.every((n) => n === 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a share gives each of its connections its own unique rows; across shares of a run no row is used twice and all are used', () => {
    const p = plan([{ name: 'a', method: 'GET', url: '/rows/${u.id}' }], {
      attachments: [{ name: 'u.csv', text: csv(100) }],
      feeders: [{ name: 'u', attachment: 'u.csv', mode: 'unique' }],
    });
    const used: string[] = [];
    for (const segment of evenSegments(3)) {
      const connections = 2;
      const feeders = new ShareFeeders(p, segment, connections);
      for (let c = 0; c < connections; c++) {
        const vu = feeders.forConnection(c);
        for (let rowsOf = vu.next(); rowsOf; rowsOf = vu.next()) used.push(rowsOf.get('u')!.id!);
      }
    }
    expect(used).toHaveLength(100);
    expect(new Set(used).size).toBe(100);
  });
});
