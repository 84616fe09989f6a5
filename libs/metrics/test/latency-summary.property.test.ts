import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { addBuckets, bucketsFromCounts } from '../src/counts.js';
import { histogramCounts } from '../src/histogram.js';
import { createLatencyHistogram, latencySummary, recordLatency } from '../src/index.js';

/** Latencies from 1 µs to an hour, log-uniformly, with repeats (counts above 1 in a bucket). */
const latencies = fc.array(fc.tuple(fc.double({ min: 0, max: Math.log10(3_600_000_000), noNaN: true }), fc.integer({ min: 1, max: 40 })), {
  minLength: 1,
  maxLength: 400,
});

describe('latencySummary (one walk over the buckets)', () => {
  it("gives hdr-histogram-js's own percentiles, mean and standard deviation, bit for bit", () => {
    fc.assert(
      fc.property(latencies, (samples) => {
        const histogram = createLatencyHistogram();
        for (const [exponent, times] of samples) for (let i = 0; i < times; i++) recordLatency(histogram, 10 ** exponent);
        const summary = latencySummary(histogram)!;
        expect(summary).toEqual({
          min: histogram.getValueAtPercentile(0),
          mean: histogram.mean,
          stdev: histogram.stdDeviation,
          p50: histogram.getValueAtPercentile(50),
          p75: histogram.getValueAtPercentile(75),
          p90: histogram.getValueAtPercentile(90),
          p95: histogram.getValueAtPercentile(95),
          p99: histogram.getValueAtPercentile(99),
          p999: histogram.getValueAtPercentile(99.9),
          max: histogram.getValueAtPercentile(100),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a histogram merged from encoded counts (as the live stream does) the same way', () => {
    const source = createLatencyHistogram();
    for (let i = 1; i <= 5000; i++) recordLatency(source, (i * 7919) % 250_000);
    const merged = createLatencyHistogram();
    addBuckets(merged, bucketsFromCounts(histogramCounts(source)));
    addBuckets(merged, bucketsFromCounts(histogramCounts(source)));
    const summary = latencySummary(merged)!;
    expect(summary.p99).toBe(merged.getValueAtPercentile(99));
    expect(summary.mean).toBe(merged.mean);
    expect(summary.max).toBe(merged.getValueAtPercentile(100));
  });

  it('is null for an empty histogram', () => {
    expect(latencySummary(createLatencyHistogram())).toBeNull();
  });
});
