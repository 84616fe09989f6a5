import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RecentRunIds } from '../src/runs/recent-run-ids.js';

describe('RecentRunIds', () => {
  it('keeps the most recently added ids, never more than its capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 40 }).map(String), { maxLength: 200 }), (capacity, ids) => {
        const recent = new RecentRunIds(capacity);
        for (const id of ids) recent.add(id);
        // The model: the last `capacity` distinct ids, by their latest addition.
        const latest = [...new Set([...ids].reverse())].slice(0, capacity);
        expect(recent.size).toBe(latest.length);
        for (const id of latest) expect(recent.has(id)).toBe(true);
        for (const id of new Set(ids)) if (!latest.includes(id)) expect(recent.has(id)).toBe(false);
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentRunIds(0)).toThrow('capacity must be a positive integer, got 0');
  });
});
