/** Small, pure figures used by the ingest benchmark; unit-tested. */

/**
 * Nearest-rank percentile: the smallest value such that at least `p` % of the
 * values are less than or equal to it. `p` from 0 to 100; 0 gives the minimum.
 * Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function max(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

/**
 * Database bytes one worker adds per hour of running: the growth of the
 * windows table over a run, divided by the worker-seconds the run lasted,
 * times 3600 (each worker stores one window per second).
 */
export function bytesPerWorkerHour(bytesAdded: number, workers: number, durationSeconds: number): number {
  if (workers <= 0 || durationSeconds <= 0) throw new RangeError('workers and durationSeconds must be positive');
  return (bytesAdded / (workers * durationSeconds)) * 3600;
}

/** CPU time (in clock ticks) spent over a wall-clock interval, as a number of cores kept busy. */
export function cpuCores(ticks: number, ticksPerSecond: number, wallMs: number): number {
  if (wallMs <= 0) return 0;
  return ticks / ticksPerSecond / (wallMs / 1000);
}

/** Rounds to `digits` decimals; null stays null. */
export function round(value: number | null, digits = 0): number | null {
  if (value === null || !Number.isFinite(value)) return value === null ? null : value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Splits `total` items over `parts` groups as evenly as possible, larger groups first (e.g. 10 over 3 → 4,3,3). */
export function splitEvenly(total: number, parts: number): number[] {
  if (parts <= 0) throw new RangeError('parts must be positive');
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Least-squares line y = intercept + slope·x; null with fewer than two distinct x. */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } | null {
  if (points.length < 2) return null;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Where a fitted line reaches `y`; null when it never does going up. */
export function xAt(fit: { slope: number; intercept: number } | null, y: number): number | null {
  if (!fit || fit.slope <= 0) return null;
  return (y - fit.intercept) / fit.slope;
}
