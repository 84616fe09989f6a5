import { describe, expect, it } from '@jest/globals';
import { changeOf, COMPARED_METRICS } from '../src/compare/run-comparison.js';

const metric = (key: string) => COMPARED_METRICS.find((m) => m.key === key)!;

describe('changeOf', () => {
  it('calls a higher latency worse and a higher rate better', () => {
    expect(changeOf(metric('p95'), 100_000, 150_000)).toEqual({ difference: 50_000, relative: 0.5, direction: 'worse' });
    expect(changeOf(metric('p95'), 100_000, 80_000)?.direction).toBe('better');
    expect(changeOf(metric('rps'), 100, 120)?.direction).toBe('better');
    expect(changeOf(metric('rps'), 100, 50)?.direction).toBe('worse');
  });

  it('calls a change within 1 % the same, and any error where there was none worse', () => {
    expect(changeOf(metric('p99'), 100_000, 100_500)?.direction).toBe('same');
    expect(changeOf(metric('errorRate'), 0, 0.02)).toEqual({ difference: 0.02, relative: null, direction: 'worse' });
    expect(changeOf(metric('errorRate'), 0, 0)?.direction).toBe('same');
  });

  it('has no change without a figure on both sides', () => {
    expect(changeOf(metric('p50'), null, 1)).toBeNull();
  });
});
