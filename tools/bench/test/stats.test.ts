import { describe, expect, it } from '@jest/globals';
import { bytesPerWorkerHour, cpuCores, linearFit, max, mean, percentile, round, splitEvenly, xAt } from '../src/ingest/stats.js';

describe('percentile (nearest rank)', () => {
  it('reads the value at rank ceil(p/100 × n) of the sorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  it('p99 of 1000 values is the 990th smallest; it does not modify its input', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(values, 99)).toBe(990);
    expect(values[0]).toBe(1000);
  });

  it('is null without values and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('bytes per worker-hour', () => {
  it('scales the table growth per worker-second to an hour', () => {
    // 100 workers × 60 s = 6000 windows; 3.6 MB added → 600 bytes per window → 2.16 MB per worker-hour.
    expect(bytesPerWorkerHour(3_600_000, 100, 60)).toBe(2_160_000);
    expect(bytesPerWorkerHour(0, 5, 10)).toBe(0);
  });

  it('refuses zero workers or duration', () => {
    expect(() => bytesPerWorkerHour(1, 0, 60)).toThrow(RangeError);
    expect(() => bytesPerWorkerHour(1, 10, 0)).toThrow(RangeError);
  });
});

describe('small figures', () => {
  it('cpuCores: ticks per wall second', () => {
    expect(cpuCores(150, 100, 1000)).toBe(1.5);
    expect(cpuCores(50, 100, 2000)).toBe(0.25);
    expect(cpuCores(10, 100, 0)).toBe(0);
  });

  it('mean, max, round', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNull();
    expect(max([3, 9, 2])).toBe(9);
    expect(max([])).toBeNull();
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(null, 2)).toBeNull();
  });

  it('splitEvenly gives the remainder to the first groups', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(1000, 4)).toEqual([250, 250, 250, 250]);
    expect(splitEvenly(2, 3)).toEqual([1, 1, 0]);
  });
});

describe('linear projection', () => {
  it('fits a line and tells where it reaches a limit', () => {
    const fit = linearFit([
      { x: 100, y: 0.15 },
      { x: 500, y: 0.55 },
      { x: 1000, y: 1.05 },
    ]);
    expect(fit!.slope).toBeCloseTo(0.001);
    expect(fit!.intercept).toBeCloseTo(0.05);
    expect(xAt(fit, 1)).toBeCloseTo(950);
  });

  it('needs two distinct points and a rising line', () => {
    expect(linearFit([{ x: 1, y: 1 }])).toBeNull();
    expect(
      linearFit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeNull();
    expect(xAt({ slope: -1, intercept: 5 }, 1)).toBeNull();
  });
});
