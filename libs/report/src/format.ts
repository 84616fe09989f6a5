/**
 * How the reports write figures: the dashboard's rounding (apps/dashboard/src/format/figures.ts), so that a
 * number in a report reads as the same number on the run's page, and a test can compare it with the API's.
 */

/** Latency given in microseconds, shown in ms with 2 decimals (e.g. `12.35 ms`). */
export const formatLatency = (micros: number | null | undefined): string =>
  micros === null || micros === undefined ? '–' : `${(micros / 1000).toFixed(2)} ms`;

/** A count with thousands separators (e.g. `12,345`). */
export const formatCount = (count: number): string => count.toLocaleString('en-US');

/** A rate per second with one decimal. */
export const formatRate = (perSecond: number): string => perSecond.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A 0..1 fraction as a percentage with 2 decimals. */
export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

/** Bytes in binary units with one decimal (e.g. `1.5 MiB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * An instant in UTC, to the second (`2026-12-03 11:05:39 UTC`): a report is read anywhere, later, and must say
 * the same thing to everyone.
 */
export const formatInstant = (iso: string | null): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '–');

/** Seconds as `1h 02m 03s`, `2m 05s` or `12s` (fractions of a second below a minute: `1.5s`). */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}
