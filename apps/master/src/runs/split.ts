/**
 * Splits `total` connections over `workers` as evenly as possible, giving the
 * remainder one each to the first workers: 100 over 3 is [34, 33, 33].
 * The shares always add up to `total` exactly.
 */
export function splitConnections(total: number, workers: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${workers}`);
  const base = Math.floor(total / workers);
  const remainder = total % workers;
  return Array.from({ length: workers }, (_, i) => base + (i < remainder ? 1 : 0));
}
