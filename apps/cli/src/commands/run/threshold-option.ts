import { parseThreshold } from '@loadtest/metrics/thresholds';
import type { ThresholdSpec } from '@loadtest/protocol';

/** A threshold as the run request takes it (`abortGraceSeconds` and `abortOnFail` have defaults there). */
export type ThresholdInput = Pick<ThresholdSpec, 'expression'> & Partial<Pick<ThresholdSpec, 'step' | 'abortOnFail' | 'abortGraceSeconds'>>;

/**
 * k6's metrics and how their aggregations read in our expressions: `http_req_failed: rate<0.01` is `error_rate<0.01`,
 * `http_reqs: rate>100` is `rps>100`. Latency expressions (`p(95)<300`, `avg<200`) are the same in both.
 */
const K6_METRICS: ReadonlyMap<string, { latency: boolean; aggregations: ReadonlyMap<string, string> }> = new Map([
  ['http_req_duration', { latency: true, aggregations: new Map() }],
  ['http_req_failed', { latency: false, aggregations: new Map([['rate', 'error_rate']]) }],
  [
    'http_reqs',
    {
      latency: false,
      aggregations: new Map([
        ['rate', 'rps'],
        ['count', 'requests'],
      ]),
    },
  ],
  ['checks', { latency: false, aggregations: new Map([['rate', 'checks']]) }],
]);

const LATENCY_EXPRESSION = /^(p\s*\(|med\b|avg\b|min\b|max\b)/;

/** `[metric][{name:STEP}]:` before the expression, k6's way of naming the metric and a step (request name). */
const PREFIX = /^\s*([A-Za-z_][A-Za-z0-9_]*)?\s*(?:\{\s*name\s*:\s*([^}]*?)\s*\})?\s*:\s*(.*)$/s;

/**
 * Reads a `--threshold` value into a run request's threshold. Takes our expressions (`p(95)<300ms`, `error_rate<1%`,
 * `rps>100`, `checks>99%`) and k6's (`http_req_duration: p(95)<300`, `http_req_failed: rate<0.01`,
 * `http_req_duration{name:login}: p(99)<1s` for one step). The expression is checked with the master's own parser, so a
 * bad one is refused here, with the same words, before anything is started.
 */
export function parseThresholdOption(text: string): { ok: true; threshold: ThresholdInput } | { ok: false; error: string } {
  let expression = text.trim();
  let step: string | undefined;
  const prefixed = PREFIX.exec(expression);
  if (prefixed) {
    const [, metric, name, rest] = prefixed;
    expression = rest!.trim();
    if (name !== undefined) {
      if (name === '') return { ok: false, error: `threshold ${JSON.stringify(text)}: {name:} needs a step name` };
      step = name;
    }
    if (metric !== undefined) {
      const k6 = K6_METRICS.get(metric);
      if (!k6)
        return { ok: false, error: `threshold ${JSON.stringify(text)}: unknown metric "${metric}" (use ${[...K6_METRICS.keys()].join(', ')}, or no metric)` };
      if (k6.latency && !LATENCY_EXPRESSION.test(expression))
        return { ok: false, error: `threshold ${JSON.stringify(text)}: ${metric} takes p(N), med, avg, min or max` };
      if (!k6.latency) {
        const aggregation = /^[a-z_]+/.exec(expression)?.[0] ?? '';
        const ours = k6.aggregations.get(aggregation);
        if (!ours) return { ok: false, error: `threshold ${JSON.stringify(text)}: ${metric} takes ${[...k6.aggregations.keys()].join(' or ')}` };
        expression = ours + expression.slice(aggregation.length);
      }
    }
  }
  const parsed = parseThreshold(expression);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, threshold: { expression: parsed.threshold.expression, ...(step === undefined ? {} : { step }) } };
}
