import { compare } from './compare.js';
import type { Threshold, ThresholdMetric } from './types.js';

/** Figures merged over all workers (and the windows of interest) that thresholds are judged on. */
export interface ThresholdData {
  /** Responses received. */
  requests: number;
  /** Requests that errored (timeouts, refused, ...). */
  errors: number;
  /** Time covered by the data. */
  durationSeconds: number;
  checksPassed: number;
  checksFailed: number;
  /** Latency percentile in microseconds (0 < p <= 100); null when there is no latency sample. */
  percentileMicros(p: number): number | null;
  meanMicros: number | null;
  minMicros: number | null;
  maxMicros: number | null;
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** Observed value in the threshold's base unit (µs, fraction, rps, count); null when there is no data yet. */
  value: number | null;
}

/**
 * Judges one threshold on merged data. `==` and `!=` (and the boundary of the other operators) use a
 * tiny relative tolerance, see `compare`.
 *
 * Where there is nothing to judge, the threshold holds and `value` is null: a latency threshold
 * before any latency sample, and `checks` when no check ran (none failed). This lets thresholds be
 * evaluated on live data from the first second without failing a run that has not produced any yet.
 * `error_rate` with no request and no error is 0, and `rps` over a zero duration is 0, as the run
 * summary reports them; those are values and are judged.
 */
export function evaluateThreshold(threshold: Threshold, data: ThresholdData): ThresholdResult {
  const value = observe(threshold.metric, data);
  return { expression: threshold.expression, ok: value === null || compare(value, threshold.op, threshold.value), value };
}

function observe(metric: ThresholdMetric, data: ThresholdData): number | null {
  switch (metric.kind) {
    case 'percentile':
      return data.percentileMicros(metric.percentile);
    case 'latency':
      return metric.stat === 'avg' ? data.meanMicros : metric.stat === 'min' ? data.minMicros : data.maxMicros;
    case 'error_rate': {
      // Errored requests got no response, so they are not in `requests`: attempts are both.
      const attempts = data.requests + data.errors;
      return attempts > 0 ? data.errors / attempts : 0;
    }
    case 'checks': {
      const checks = data.checksPassed + data.checksFailed;
      return checks > 0 ? data.checksPassed / checks : null;
    }
    case 'rps':
      return data.durationSeconds > 0 ? data.requests / data.durationSeconds : 0;
    case 'requests':
      return data.requests;
  }
}
