import { peakConcurrency } from '@loadtest/execution';
import type { Scenario, Segment } from '@loadtest/protocol';

/**
 * How many engine threads a share runs on: the configured count, but no more
 * than every thread can carry at least one connection of every scenario, i.e.
 * for each scenario, peakConcurrency × the segment's length ≥ threads (exact,
 * in BigInt); at least 1.
 */
export function engineThreads(scenarios: readonly Scenario[], segment: Segment, configured: number): number {
  if (!Number.isInteger(configured) || configured < 1) throw new RangeError(`threads must be a whole number ≥ 1, got ${configured}`);
  // The segment's length as lengthNum / lengthDen.
  const lengthNum = BigInt(segment.to.num) * BigInt(segment.from.den) - BigInt(segment.from.num) * BigInt(segment.to.den);
  const lengthDen = BigInt(segment.from.den) * BigInt(segment.to.den);
  let threads = BigInt(configured);
  for (const scenario of scenarios) {
    const most = (BigInt(peakConcurrency(scenario)) * lengthNum) / lengthDen;
    if (most < threads) threads = most;
  }
  return Math.max(1, Number(threads));
}
