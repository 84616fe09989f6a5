import { AdaptiveRice } from './adaptive-rice.js';
import type { BitReader, BitWriter } from './bits.js';
import type { LatencyBuckets } from './counts.js';
import { createLatencyHistogram } from './histogram.js';

/**
 * A step's latency counts in format 7, as bits: per non-empty bucket, its gap
 * from the previous one, then its count. The decoder knows the step's request
 * count, which is the counts' total, so no bucket count is written: it reads
 * buckets until the total is reached.
 *
 *   mode(1 bit) [onesRun] firstIndex(exp-Golomb, order 11) count? (gap count?)*   (for a step with requests)
 *
 * Gaps (minus 1) use one adaptive Rice code. Counts use another, in one of two
 * modes, whichever is shorter for the step:
 * - each count minus 1 (dense histograms: many responses per bucket);
 * - runs of buckets holding exactly 1 (sparse ones, most buckets): a run's
 *   length, then the count (minus 2) of the bucket that ends it, then the next run.
 *
 * Decoding gives the buckets as (index, count) pairs (counts.ts), which merging
 * adds directly.
 */

const MODE_EACH = 0;
const MODE_RUNS_OF_ONES = 1;
/** Exp-Golomb order for the first bucket's index: latencies from ~2 ms to ~60 ms take 14 bits. */
const FIRST_INDEX_ORDER = 11;
/** Initial means of the adaptive codes, near what a typical window starts with. */
const GAP_MEAN = 32;
const COUNT_MEAN = 1;

let countsLength: number | undefined;
/** Buckets of a {@link LATENCY_HISTOGRAM} histogram: an index beyond is corrupt input. */
function bucketCount(): number {
  // countsArrayLength is public on JsHistogram but not on the Histogram interface.
  countsLength ??= (createLatencyHistogram() as unknown as { countsArrayLength: number }).countsArrayLength;
  return countsLength;
}

/** Writes a step's latency buckets; returns their total. */
export function writeCountsBits(out: BitWriter, buckets: LatencyBuckets): number {
  const indexes: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < buckets.length; i += 2) {
    indexes.push(buckets[i]!);
    values.push(buckets[i + 1]!);
  }
  if (indexes.length === 0) return 0;
  const mode = runsCost(values) < eachCost(values) ? MODE_RUNS_OF_ONES : MODE_EACH;
  out.bits(mode, 1);
  const gaps = new AdaptiveRice(GAP_MEAN);
  const countCode = new AdaptiveRice(COUNT_MEAN);
  if (mode === MODE_RUNS_OF_ONES) countCode.write(out, onesFrom(values, 0));
  let total = 0;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    if (i === 0) out.expGolomb(index, FIRST_INDEX_ORDER);
    else gaps.write(out, index - indexes[i - 1]! - 1);
    const count = values[i]!;
    total += count;
    if (mode === MODE_EACH) countCode.write(out, count - 1);
    else if (count > 1) {
      countCode.write(out, count - 2);
      if (i < indexes.length - 1) countCode.write(out, onesFrom(values, i + 1));
    }
  }
  return total;
}

/** Buckets holding exactly 1 from `start` on, up to the next larger count. */
function onesFrom(values: readonly number[], start: number): number {
  let i = start;
  while (i < values.length && values[i] === 1) i++;
  return i - start;
}

function eachCost(values: readonly number[]): number {
  const code = new AdaptiveRice(COUNT_MEAN);
  let bits = 0;
  for (const count of values) bits += code.cost(count - 1);
  return bits;
}

function runsCost(values: readonly number[]): number {
  const code = new AdaptiveRice(COUNT_MEAN);
  let bits = code.cost(onesFrom(values, 0));
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > 1) {
      bits += code.cost(values[i]! - 2);
      if (i < values.length - 1) bits += code.cost(onesFrom(values, i + 1));
    }
  }
  return bits;
}

/** Grown as needed. */
let scratch: LatencyBuckets = new Float64Array(1024);

/**
 * Reads one step's buckets, written by {@link writeCountsBits} for `requests`
 * responses. Throws a RangeError saying what is wrong.
 */
export function readCountsBits(input: BitReader, requests: number): LatencyBuckets {
  if (requests === 0) return new Float64Array(0);
  // Read into one array shared by every decode, then copied out at its size.
  let buckets = scratch;
  let length = 0;
  const limit = bucketCount();
  const mode = input.bit();
  const gaps = new AdaptiveRice(GAP_MEAN);
  const countCode = new AdaptiveRice(COUNT_MEAN);
  let ones = mode === MODE_RUNS_OF_ONES ? countCode.read(input) : 0;
  let total = 0;
  let index = -1;
  while (total < requests) {
    const next = index < 0 ? input.expGolomb(FIRST_INDEX_ORDER) : index + 1 + gaps.read(input);
    if (next >= limit) throw new RangeError(`latency bucket ${next} is beyond the histogram's ${limit} buckets`);
    index = next;
    let count: number;
    if (mode === MODE_EACH) count = countCode.read(input) + 1;
    else if (ones > 0) {
      count = 1;
      ones -= 1;
    } else {
      count = countCode.read(input) + 2;
      if (total + count < requests) ones = countCode.read(input);
    }
    total += count;
    if (total > requests) throw new RangeError(`latency counts add up to more than the ${requests} requests`);
    if (length + 2 > buckets.length) {
      const grown = new Float64Array(buckets.length * 2);
      grown.set(buckets);
      buckets = scratch = grown;
    }
    buckets[length++] = index;
    buckets[length++] = count;
  }
  return buckets.slice(0, length);
}
