import { approxEqual } from './compare.js';
import type { Threshold, ThresholdMetric } from './types.js';

/** Renders a value of the metric with `decimals` digits after the point at most. */
type Renderer = (value: number, decimals: number) => string;

const MAX_EXTRA_DECIMALS = 6;

/**
 * Renders an observed value in the threshold's unit for people: `312.4ms`, `0.4%`, `512.3 rps`,
 * `1200 requests`; `no data` for null (see `ThresholdResult.value`).
 *
 * Digits are added while the value would print the same as the threshold's limit without being equal
 * to it, so that a failure never reads like `99.99% (limit > 99.99%)`.
 */
export function formatThresholdValue(threshold: Threshold, value: number | null): string {
  if (value === null) return 'no data';
  const render = renderer(threshold.metric);
  const base = baseDecimals(threshold.metric, value);
  for (let extra = 0; extra < MAX_EXTRA_DECIMALS; extra++) {
    const shown = render(value, base + extra);
    if (approxEqual(value, threshold.value) || shown !== render(threshold.value, base + extra)) return shown;
  }
  return render(value, base + MAX_EXTRA_DECIMALS);
}

function renderer(metric: ThresholdMetric): Renderer {
  switch (metric.kind) {
    case 'percentile':
    case 'latency':
      return latency;
    case 'error_rate':
    case 'checks':
      return (fraction, decimals) => `${trimmed(fraction * 100, decimals)}%`;
    case 'rps':
      return (rps, decimals) => `${trimmed(rps, decimals)} rps`;
    case 'requests':
      return (count, decimals) => `${trimmed(count, decimals)} requests`;
  }
}

function baseDecimals(metric: ThresholdMetric, value: number): number {
  switch (metric.kind) {
    case 'percentile':
    case 'latency':
      return latencyUnit(value).decimals;
    case 'error_rate':
    case 'checks':
      return 2;
    case 'rps':
      return 1;
    case 'requests':
      return 0;
  }
}

/**
 * The unit to show a latency in, by magnitude. The bounds sit where the rounded figure would reach
 * 1000 (999.96 µs shows as 1ms, not 1000µs); with extra decimals the unit stays the same.
 */
function latencyUnit(micros: number): { unit: string; divisor: number; decimals: number } {
  const magnitude = Math.abs(micros);
  if (magnitude < 999.5) return { unit: '\u00b5s', divisor: 1, decimals: 0 };
  if (magnitude < 999_950) return { unit: 'ms', divisor: 1_000, decimals: 1 };
  return { unit: 's', divisor: 1_000_000, decimals: 2 };
}

function latency(micros: number, decimals: number): string {
  const { unit, divisor } = latencyUnit(micros);
  return `${trimmed(micros / divisor, decimals)}${unit}`;
}

/** At most `decimals` digits after the point, without trailing zeros: 312.40 → 312.4, 300.0 → 300. */
function trimmed(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
