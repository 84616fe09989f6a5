import type { LatencyBucket, LatencyDistribution, LatencySummary } from '@loadtest/protocol';
import { JsHistogram, type Histogram } from 'hdr-histogram-js';

/** Bars of the response-time distribution. */
const BARS = 30;

/**
 * Bar edges spaced by ratio from the fastest response to just past the slowest: latencies spread over orders of
 * magnitude, and equal widths would squeeze the fast bulk into one bar and leave the tail invisible.
 */
function edgesBetween(min: number, max: number, bars: number): number[] {
  const low = Math.max(1, Math.floor(min));
  const high = Math.max(low + 1, Math.ceil(max) + 1);
  const edges: number[] = [];
  for (let i = 0; i <= bars; i++) {
    const edge = Math.round(low * (high / low) ** (i / bars));
    if (edges.length === 0 || edge > edges.at(-1)!) edges.push(edge);
  }
  edges[edges.length - 1] = Math.max(edges.at(-1)!, high);
  return edges;
}

/**
 * The response-time distribution counted from a run's merged latency histogram (µs): every recorded value in
 * its bar, the counts adding up to the histogram's. Null for an empty histogram.
 */
export function distributionFromHistogram(histogram: Histogram, bars = BARS): LatencyDistribution | null {
  if (histogram.totalCount === 0) return null;
  if (!(histogram instanceof JsHistogram)) throw new Error('distributionFromHistogram: a JsHistogram is needed (createLatencyHistogram)');
  const edges = edgesBetween(histogram.getValueAtPercentile(0), histogram.getValueAtPercentile(100), bars);
  const buckets: LatencyBucket[] = edges.slice(0, -1).map((from, i) => ({ fromMicros: from, toMicros: edges[i + 1]!, count: 0 }));
  const values = histogram.recordedValuesIterator;
  values.reset();
  let bar = 0;
  // Recorded values come in increasing order: each bar is passed once.
  while (values.hasNext()) {
    const { valueIteratedTo: value, countAtValueIteratedTo: count } = values.next();
    while (bar < buckets.length - 1 && value >= buckets[bar]!.toMicros) bar++;
    buckets[bar]!.count += count;
  }
  return { source: 'histogram', buckets };
}

/**
 * The distribution estimated from a summary's percentiles, for a report built without the histogram: each bar
 * holds the responses between two neighbouring percentiles (e.g. 5 % between p90 and p95).
 */
export function distributionFromPercentiles(latency: LatencySummary | null, responses: number): LatencyDistribution | null {
  if (!latency || responses === 0) return null;
  const marks: [number, number][] = [
    [0, latency.min],
    [50, latency.p50],
    [75, latency.p75],
    [90, latency.p90],
    [95, latency.p95],
    [99, latency.p99],
    [99.9, latency.p999],
    [100, latency.max],
  ];
  const buckets: LatencyBucket[] = [];
  for (let i = 1; i < marks.length; i++) {
    const [fromPercent, from] = marks[i - 1]!;
    const [toPercent, to] = marks[i]!;
    const count = ((toPercent - fromPercent) / 100) * responses;
    const last = buckets.at(-1);
    // Equal neighbouring percentiles make no bar of their own: their share goes to the bar that ends there.
    if (to <= from && last) last.count += count;
    else buckets.push({ fromMicros: from, toMicros: Math.max(to, from + 1), count });
  }
  return { source: 'percentiles', buckets };
}
