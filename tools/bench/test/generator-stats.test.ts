import { describe, expect, it } from '@jest/globals';
import { max, median, min, ratio, round, spread } from '../src/generator/stats.js';

describe('generator benchmark figures', () => {
  it('takes the median of odd and even counts, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY])).toBe(5);
    const input = [3, 1, 2];
    median(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it('divides only known figures by a positive denominator', () => {
    expect(ratio(95, 100)).toBe(0.95);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(1, null)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, -2)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });

  it('rounds, bounds and measures the spread', () => {
    expect(round(0.98456, 3)).toBe(0.985);
    expect(round(null, 2)).toBeNull();
    expect(round(Number.NaN, 2)).toBeNull();
    expect(min([3, 1, 2])).toBe(1);
    expect(max([3, 1, 2])).toBe(3);
    expect(min([])).toBeNull();
    expect(spread([90, 100, 110])).toBeCloseTo(0.2, 10);
    expect(spread([100])).toBeNull();
  });
});
