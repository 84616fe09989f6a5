/** What a threshold measures. `med` parses to `{ kind: 'percentile', percentile: 50 }`. */
export type ThresholdMetric =
  | { kind: 'percentile'; percentile: number }
  | { kind: 'latency'; stat: 'avg' | 'min' | 'max' }
  | { kind: 'error_rate' }
  | { kind: 'checks' }
  | { kind: 'rps' }
  | { kind: 'requests' };

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed threshold expression such as `p(95) < 300ms`. */
export interface Threshold {
  /** The expression as written, without surrounding whitespace. */
  expression: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  /** The limit in the metric's base unit: µs for latency, a fraction (0..1) for error_rate and checks, requests per second for rps, a count for requests. */
  value: number;
}

export type ParseResult = { ok: true; threshold: Threshold } | { ok: false; error: string };

/** A threshold of a run, for the whole run or for one named step. */
export interface ScopedThreshold {
  threshold: Threshold;
  step?: string;
}
