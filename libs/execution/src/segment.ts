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
