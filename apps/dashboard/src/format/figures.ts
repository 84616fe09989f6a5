/** How the dashboard writes figures: the same rounding everywhere, so that a test can compare with the API's numbers. */

/** Latency given in microseconds, shown in ms with 2 decimals (e.g. `12.35 ms`). */
export const formatLatency = (micros: number | null | undefined): string =>
  micros === null || micros === undefined ? '–' : `${(micros / 1000).toFixed(2)} ms`;

/** A count with thousands separators (e.g. `12,345`). */
export const formatCount = (count: number): string => count.toLocaleString('en-US');

/** A rate per second with one decimal. */
export const formatRate = (perSecond: number): string => perSecond.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A 0..1 fraction as a percentage with 2 decimals. */
export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

/** A date for people, in their locale and time zone, to the second. */
export const formatTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '–');
