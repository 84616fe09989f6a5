import { describe, expect, it } from '@jest/globals';
import type { LatencySummary } from '@loadtest/protocol';
import { mergePoints, runColumns, type SecondPoint } from '../src/charts/run-series.js';

const latency = (p50: number): LatencySummary => ({
  min: p50 / 2,
  mean: p50,
  stdev: 1,
  p50,
  p75: p50 * 1.5,
  p90: p50 * 2,
  p95: p50 * 3,
  p99: p50 * 4,
  p999: p50 * 5,
  max: p50 * 6,
});
const point = (second: number, requests: number, p50: number | null = 1000): SecondPoint => ({
  second,
  requests,
  errorCount: second,
  errors: { timeout: second, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 },
  statusCodes: { '200': requests - 2, '404': 1, '503': 1 },
  latencyMicros: p50 === null ? null : latency(p50),
  dropped: 0,
  vus: 4,
  workers: 1,
});

describe('mergePoints', () => {
  it('puts live seconds after the stored ones, in order, a live second replacing the stored one', () => {
    const merged = mergePoints([point(0, 10), point(1, 11), point(2, 12)], [point(3, 13), point(2, 99)]);
    expect(merged.map((p) => [p.second, p.requests])).toEqual([
      [0, 10],
      [1, 11],
      [2, 99],
      [3, 13],
    ]);
  });

  it('orders live seconds that arrive out of order', () => {
    expect(mergePoints([], [point(5, 1), point(4, 1)]).map((p) => p.second)).toEqual([4, 5]);
  });
});

describe('runColumns', () => {
  it('gives rates per second of a bucket and latency in ms, null for a second without responses', () => {
    const columns = runColumns([point(0, 50, 2000), point(5, 25, null)], 5);
    expect(columns.seconds).toEqual([0, 5]);
    expect(columns.rps).toEqual([10, 5]);
    expect(columns.errors).toEqual([0, 1]);
    expect(columns.errorsByKind.timeout).toEqual([0, 1]);
    expect(columns.errorsByKind.reset).toEqual([0, 0]);
    expect(columns.status4xx).toEqual([0.2, 0.2]);
    expect(columns.status5xx).toEqual([0.2, 0.2]);
    // VUs are a count, not a rate: not divided by the bucket.
    expect(columns.vus).toEqual([4, 4]);
    expect(columns.p50).toEqual([2, null]);
    expect(columns.p99).toEqual([8, null]);
    expect(columns.max).toEqual([12, null]);
  });
});
