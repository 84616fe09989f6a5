import type { LatencySummary } from '@loadtest/protocol';
import type { Histogram } from './histogram.js';

/** What the one-pass summary reads of hdr-histogram-js's JsHistogram (public there, not on its Histogram interface). */
interface BucketReader {
  readonly totalCount: number;
  readonly maxValue: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

/** The percentiles a summary gives, ascending (0 and 100 give min and max as bucket bounds). */
const PERCENTILES = [0, 50, 75, 90, 95, 99, 99.9, 100] as const;

/** hdr-histogram-js's unit in the last place, which its percentile rounding uses. */
const ulp = (x: number): number => Math.pow(2, Math.floor(Math.log2(x)) - 52);

/** The count a percentile reaches, rounded exactly as hdr-histogram-js's getValueAtPercentile rounds it. */
function countAtPercentile(percentile: number, totalCount: number): number {
  const fp = (Math.min(percentile, 100) / 100) * totalCount;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

/**
 * Reads latency figures from one histogram in one walk over its buckets; null when it holds no sample. The figures
 * are those of hdr-histogram-js's getValueAtPercentile, mean and stdDeviation, bit for bit (a property test holds
 * them equal): those make ten walks, three through its object-per-bucket iterator, and the live stream summarises
 * every second of every run. Min and max are read as percentiles 0 and 100: they give the bucket's bounds, which a
 * histogram keeps through encoding and merging, where raw min/max values would not survive.
 */
export function latencySummary(histogram: Histogram): LatencySummary | null {
  const h = histogram as unknown as BucketReader;
  const total = h.totalCount;
  if (total === 0) return null;
  const targets = PERCENTILES.map((p) => countAtPercentile(p, total));
  const values: number[] = new Array<number>(PERCENTILES.length).fill(0);
  const medians: number[] = [];
  const counts: number[] = [];
  let next = 0;
  let cumulative = 0;
  let sum = 0;
  const last = h.countsArrayIndex(h.maxValue);
  for (let i = 0; i <= last; i++) {
    const count = h.getCountAtIndex(i);
    if (count === 0) continue;
    const value = h.valueFromIndex(i);
    const median = h.medianEquivalentValue(value);
    medians.push(median);
    counts.push(count);
    sum += median * count;
    cumulative += count;
    while (next < targets.length && cumulative >= targets[next]!) {
      values[next] = PERCENTILES[next] === 0 ? value : h.highestEquivalentValue(value);
      next += 1;
    }
  }
  if (next < targets.length) throw new Error(`latency histogram: counts add up to ${cumulative}, not its total ${total}`);
  const mean = sum / total;
  let squares = 0;
  for (let k = 0; k < medians.length; k++) {
    const deviation = medians[k]! - mean;
    squares += deviation * deviation * counts[k]!;
  }
  const [min, p50, p75, p90, p95, p99, p999, max] = values as [number, number, number, number, number, number, number, number];
  return { min, mean, stdev: Math.sqrt(squares / total), p50, p75, p90, p95, p99, p999, max };
}
