/** How numbers read in the terminal: latencies from microseconds, counts with separators, rates and shares. */

/** A latency given in microseconds, in the unit that keeps it short: `850µs`, `3.21ms`, `1.20s`. `-` when there is none. */
export function formatMicros(micros: number | null | undefined): string {
  if (micros === null || micros === undefined || !Number.isFinite(micros)) return '-';
  if (micros < 1000) return `${Math.round(micros)}µs`;
  if (micros < 1_000_000) return `${(micros / 1000).toFixed(micros < 10_000 ? 2 : micros < 100_000 ? 1 : 0)}ms`;
  return `${(micros / 1_000_000).toFixed(2)}s`;
}

/** A whole count with thousands separators: `12,345`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** Requests per second: one decimal below 100, whole above. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  return perSecond < 100 ? perSecond.toFixed(1) : formatCount(perSecond);
}

/** A fraction (0..1) as a percentage: `0.12%`. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '-';
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Seconds as a duration: `45s`, `2m05s`, `1h00m`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
