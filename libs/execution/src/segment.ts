import type { Segment } from '@loadtest/protocol';

export type { Segment };

/**
 * `ceil(fraction × total)` in exact integer arithmetic (BigInt), so that no
 * floating-point rounding can make two workers disagree about a boundary.
 */
export function ceilOf(fraction: { num: number; den: number }, total: number): number {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
  const product = BigInt(fraction.num) * BigInt(total);
  const den = BigInt(fraction.den);
  return Number((product + den - 1n) / den);
}

/**
 * A worker's share of an integer total: ceil(to × total) − ceil(from × total).
 * Shares of segments that tile [0, 1) add up to the total exactly (the sum
 * telescopes), and each differs from its exact fraction by less than one.
 * 100 over three equal segments is 34/33/33.
 */
export function segmentShare(segment: Segment, total: number): number {
  return ceilOf(segment.to, total) - ceilOf(segment.from, total);
}

/** `count` equal segments tiling [0, 1): worker i runs [i/count, (i+1)/count). */
export function evenSegments(count: number): Segment[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${count}`);
  return Array.from({ length: count }, (_, i) => ({ from: { num: i, den: count }, to: { num: i + 1, den: count } }));
}

/** The segment's length as a number, e.g. for a connection budget. */
export function segmentFraction(segment: Segment): number {
  return segment.to.num / segment.to.den - segment.from.num / segment.from.den;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** num/den reduced to lowest terms, back as safe integers (a RangeError if they are not). */
function reduced(num: bigint, den: bigint): { num: number; den: number } {
  const divisor = gcd(num, den);
  const n = num / divisor;
  const d = den / divisor;
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || d > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`fraction ${n}/${d} does not fit in safe integers`);
  return { num: Number(n), den: Number(d) };
}

/**
 * `parts` equal sub-segments tiling the segment [from, to) exactly, in order,
 * as reduced fractions: sub-segment i is [from + i·L/parts, from + (i+1)·L/parts)
 * where L = to − from. As the sub-segments tile the segment, their shares of any
 * total add up to the segment's share exactly (the sum telescopes the same way).
 */
export function splitSegment(segment: Segment, parts: number): Segment[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a whole number ≥ 1, got ${parts}`);
  const fromNum = BigInt(segment.from.num);
  const fromDen = BigInt(segment.from.den);
  const toNum = BigInt(segment.to.num);
  const toDen = BigInt(segment.to.den);
  const k = BigInt(parts);
  // Boundary i is (fromNum·toDen·parts + i·(toNum·fromDen − fromNum·toDen)) / (fromDen·toDen·parts).
  const den = fromDen * toDen * k;
  const start = fromNum * toDen * k;
  const length = toNum * fromDen - fromNum * toDen;
  if (length < 0n) throw new RangeError('segment from must not be after to');
  const boundaries = Array.from({ length: parts + 1 }, (_, i) => reduced(start + BigInt(i) * length, den));
  return Array.from({ length: parts }, (_, i) => ({ from: boundaries[i]!, to: boundaries[i + 1]! }));
}

/**
 * Segments tiling [0, 1) in proportion to `weights`: worker i runs
 * [Σ_{j<i} w_j / W, Σ_{j≤i} w_j / W), W = Σ w_j. The weights are first divided
 * by their greatest common divisor, so every boundary has the same denominator
 * W / gcd and equal weights give exactly `evenSegments(n)` (den n). As they tile
 * [0, 1), the shares of any total add up to it, and share i stays within one of
 * total × w_i / W.
 */
export function weightedSegments(weights: number[]): Segment[] {
  if (weights.length === 0) throw new RangeError('weights must not be empty');
  for (const w of weights) if (!Number.isSafeInteger(w) || w < 1) throw new RangeError(`each weight must be a whole number ≥ 1, got ${w}`);
  const divisor = weights.reduce((g, w) => gcd(g, BigInt(w)), 0n);
  const scaled = weights.map((w) => BigInt(w) / divisor);
  const total = scaled.reduce((a, b) => a + b, 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`the weights add up to more than ${Number.MAX_SAFE_INTEGER}`);
  const den = Number(total);
  const segments: Segment[] = [];
  let start = 0n;
  for (const w of scaled) {
    segments.push({ from: { num: Number(start), den }, to: { num: Number(start + w), den } });
    start += w;
  }
  return segments;
}

/**
 * Consecutive sub-segments tiling [from, to) exactly, part i's length in
 * proportion to `weights[i]`: boundary i is from + L·Σ_{j<i} w_j / W, with
 * L = to − from and W = Σ w_j, as reduced fractions. The first part starts at
 * `from`, the last ends at `to`, and each starts where the previous ends, so
 * the parts' shares of any total add up to the segment's share exactly.
 * Used to hand a lost worker's segment to several workers by their spare capacity.
 */
export function splitSegmentWeighted(segment: Segment, weights: readonly number[]): Segment[] {
  if (weights.length === 0) throw new RangeError('weights must not be empty');
  for (const w of weights) if (!Number.isSafeInteger(w) || w < 1) throw new RangeError(`each weight must be a whole number ≥ 1, got ${w}`);
  const fromNum = BigInt(segment.from.num);
  const fromDen = BigInt(segment.from.den);
  const toNum = BigInt(segment.to.num);
  const toDen = BigInt(segment.to.den);
  const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  // Boundary at cumulative weight c is (fromNum·toDen·W + c·(toNum·fromDen − fromNum·toDen)) / (fromDen·toDen·W).
  const den = fromDen * toDen * total;
  const start = fromNum * toDen * total;
  const length = toNum * fromDen - fromNum * toDen;
  if (length < 0n) throw new RangeError('segment from must not be after to');
  const boundaries = [reduced(start, den)];
  let cumulative = 0n;
  for (const w of weights) {
    cumulative += BigInt(w);
    boundaries.push(reduced(start + cumulative * length, den));
  }
  return weights.map((_, i) => ({ from: boundaries[i]!, to: boundaries[i + 1]! }));
}
