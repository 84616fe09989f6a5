import type { Histogram } from './histogram.js';

/**
 * A histogram's non-empty buckets as `[index, count, index, count…]`, indexes ascending: what a decoded window
 * keeps of a step's latencies. Merging adds them straight into another histogram, one step per bucket, and no
 * histogram is built for the window. A typed array, whose values live outside the JavaScript heap: a window waits
 * for its batch to be stored before it is counted, and on the heap its buckets were most of what the garbage
 * collector copied, and then promoted, at every collection during a second's burst of windows.
 */
export type LatencyBuckets = Float64Array;

/** What merging needs of hdr-histogram-js's JsHistogram (public there, not on its Histogram interface). */
interface CountsTarget {
  addToCountAtIndex(index: number, value: number): void;
  addToTotalCount(value: number): void;
  updateMinAndMax(value: number): void;
  valueFromIndex(index: number): number;
}

/**
 * Reading HDR's V2 counts (zig-zag LEB128, a negative value being a run of empty buckets): visits each non-empty
 * bucket as (index, count). Throws on a malformed sequence.
 */
export function forEachCount(counts: Uint8Array, visit: (index: number, count: number) => void): void {
  let offset = 0;
  let index = 0;
  while (offset < counts.length) {
    // HDR's LEB128 variant: up to 8 bytes of 7 bits, and a 9th of 8 bits.
    let raw = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (offset >= counts.length) throw new RangeError('truncated latency counts');
      const b = counts[offset++]!;
      if (i === 8) {
        raw += b * scale;
        break;
      }
      raw += (b % 0x80) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
    }
    const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (value < 0) index += -value;
    else {
      if (value > 0) visit(index, value);
      index += 1;
    }
  }
}

/** HDR's V2 counts (as windows of formats 2 to 6 hold them) as buckets. */
export function bucketsFromCounts(counts: Uint8Array): LatencyBuckets {
  const buckets: number[] = [];
  forEachCount(counts, (index, count) => buckets.push(index, count));
  return Float64Array.from(buckets);
}

export function bucketsTotal(buckets: LatencyBuckets): number {
  let total = 0;
  for (let i = 1; i < buckets.length; i += 2) total += buckets[i]!;
  return total;
}

/** Adds buckets into a histogram of the same configuration. */
export function addBuckets(into: Histogram, buckets: LatencyBuckets): void {
  if (buckets.length === 0) return;
  const target = into as unknown as CountsTarget;
  let total = 0;
  for (let i = 0; i < buckets.length; i += 2) {
    const count = buckets[i + 1]!;
    target.addToCountAtIndex(buckets[i]!, count);
    total += count;
  }
  target.addToTotalCount(total);
  target.updateMinAndMax(target.valueFromIndex(buckets[0]!));
  target.updateMinAndMax(target.valueFromIndex(buckets[buckets.length - 2]!));
}

/**
 * Buckets back into HDR's V2 counts, byte for byte what hdr-histogram-js writes for the same histogram (a run of two
 * or more empty buckets as its negated length, a single one as 0; an empty histogram as one empty bucket).
 */
export function countsFromBuckets(buckets: LatencyBuckets): Uint8Array {
  if (buckets.length === 0) return Uint8Array.of(0);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < buckets.length; i += 2) {
    const zeros = buckets[i]! - next;
    if (zeros === 1) zigZagLeb128(out, 0);
    else if (zeros > 1) zigZagLeb128(out, 2 * zeros - 1);
    zigZagLeb128(out, 2 * buckets[i + 1]!);
    next = buckets[i]! + 1;
  }
  return Uint8Array.from(out);
}

/** Plain LEB128 of an already zig-zagged value: HDR's variant differs only in a 9th byte, which values below 2^56 never need. */
function zigZagLeb128(out: number[], encoded: number): void {
  let rest = encoded;
  while (rest >= 0x80) {
    out.push((rest % 0x80) + 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}
