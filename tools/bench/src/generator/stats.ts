/** Small, pure figures of the generator benchmark; unit-tested. */

/** The middle value (the mean of the two middle values for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `numerator / denominator`, or null when either is unknown or the denominator is not positive. */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || !Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator <= 0) return null;
  return numerator / denominator;
}

/** Rounds to `digits` decimals; null stays null. */
export function round(value: number | null, digits = 0): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function min(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.min(...values);
}

export function max(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** Relative spread of a set of figures: (max − min) / median; null with fewer than two values. */
export function spread(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = median(values);
  if (m === null || m <= 0) return null;
  return (Math.max(...values) - Math.min(...values)) / m;
}
