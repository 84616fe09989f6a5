import type { Histogram } from './histogram.js';

/**
 * Reading HDR's V2 counts (zig-zag LEB128, a negative value being a run of
 * empty buckets) straight into another histogram: merging a received window
 * costs one step per non-empty bucket, and no histogram is built for it.
 */

/** What merging needs of hdr-histogram-js's JsHistogram (public there, not on its Histogram interface). */
interface CountsTarget {
  addToCountAtIndex(index: number, value: number): void;
  addToTotalCount(value: number): void;
  updateMinAndMax(value: number): void;
  valueFromIndex(index: number): number;
}

/** Visits each non-empty bucket as (index, count). Throws on a malformed sequence. */
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

export function countsTotal(counts: Uint8Array): number {
  let total = 0;
  forEachCount(counts, (_index, count) => (total += count));
  return total;
}

/** Adds encoded counts into a histogram of the same configuration. */
export function addCounts(into: Histogram, counts: Uint8Array): void {
  const target = into as unknown as CountsTarget;
  let total = 0;
  let lowest = -1;
  let highest = -1;
  forEachCount(counts, (index, count) => {
    target.addToCountAtIndex(index, count);
    total += count;
    if (lowest < 0) lowest = index;
    highest = index;
  });
  if (total === 0) return;
  target.addToTotalCount(total);
  target.updateMinAndMax(target.valueFromIndex(lowest));
  target.updateMinAndMax(target.valueFromIndex(highest));
}
