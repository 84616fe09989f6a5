import { describe, expect, it } from 'vitest';
import { splitConnections } from '../src/runs/split.js';

describe('splitConnections', () => {
  it('spreads the remainder over the first workers: 100 over 3 is 34/33/33', () => {
    expect(splitConnections(100, 3)).toEqual([34, 33, 33]);
    expect(splitConnections(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitConnections(7, 1)).toEqual([7]);
  });

  it('always adds up to the total and never differs by more than one between workers', () => {
    for (let total = 0; total <= 300; total += 7) {
      for (let workers = 1; workers <= 17; workers++) {
        const shares = splitConnections(total, workers);
        expect(shares).toHaveLength(workers);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects impossible splits', () => {
    expect(() => splitConnections(10, 0)).toThrow(RangeError);
    expect(() => splitConnections(-1, 2)).toThrow(RangeError);
  });
});
