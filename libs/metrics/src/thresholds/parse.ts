import type { ParseResult, ThresholdMetric, ThresholdOp } from './types.js';

const USE_METRICS = '(use p(N), med, avg, min, max, error_rate, checks, rps, requests)';
const USE_OPERATORS = '(use <, <=, >, >=, == or !=)';
const USE_UNITS = '(use us, ms, s or m)';

const OPERATORS: ReadonlySet<string> = new Set<ThresholdOp>(['<', '<=', '>', '>=', '==', '!=']);

// A Map, not an object literal, so that names such as "constructor" are not found on the prototype.
const NAMED_METRICS: ReadonlyMap<string, ThresholdMetric> = new Map<string, ThresholdMetric>([
  ['med', { kind: 'percentile', percentile: 50 }],
  ['avg', { kind: 'latency', stat: 'avg' }],
  ['min', { kind: 'latency', stat: 'min' }],
  ['max', { kind: 'latency', stat: 'max' }],
  ['error_rate', { kind: 'error_rate' }],
  ['checks', { kind: 'checks' }],
  ['rps', { kind: 'rps' }],
  ['requests', { kind: 'requests' }],
]);

/**
 * Latency units as powers of ten of a microsecond, applied to the decimal text (see `shift`);
 * a minute is 6 × 10^7 µs. Both spellings of micro are accepted: the micro sign (U+00B5) and the
 * Greek mu (U+03BC), which keyboards produce interchangeably.
 */
const LATENCY_UNITS: ReadonlyMap<string, { exponent: number; factor: number }> = new Map([
  ['us', { exponent: 0, factor: 1 }],
  ['\u00b5s', { exponent: 0, factor: 1 }],
  ['\u03bcs', { exponent: 0, factor: 1 }],
  ['ms', { exponent: 3, factor: 1 }],
  ['s', { exponent: 6, factor: 1 }],
  ['m', { exponent: 7, factor: 6 }],
]);

const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)/;
const WHOLE_NUMBER = new RegExp(`${NUMBER.source}$`);
const UNIT = /^\s*(%|[A-Za-z\u00b5\u03bc]+)/;

/** One parsing step: what was read and the text after it, or what is wrong. */
type Step<T> = { ok: true; value: T; rest: string } | { ok: false; problem: string };

const quote = (text: string): string => JSON.stringify(text);

/**
 * Parses `<metric> <op> <value>`, e.g. `p(95) < 300ms`, `error_rate <= 1%`, `rps >= 500`.
 * Never throws: a bad expression gives an error naming the expression and what is wrong with it.
 */
export function parseThreshold(expression: string): ParseResult {
  // Thresholds come from user configuration; guard against a non-string from untyped callers.
  if (typeof expression !== 'string') return { ok: false, error: 'threshold must be a string' };
  const text = expression.trim();
  const fail = (problem: string): ParseResult => ({ ok: false, error: `threshold ${quote(text)}: ${problem}` });
  if (text === '') return fail('expression is empty');

  const metric = readMetric(text);
  if (!metric.ok) return fail(metric.problem);
  const op = readOperator(metric.rest, metric.value.label);
  if (!op.ok) return fail(op.problem);
  const value = readValue(op.rest, op.value, metric.value.label, metric.value.metric);
  if (!value.ok) return fail(value.problem);
  const trailing = value.rest.trim();
  if (trailing !== '') return fail(`unexpected ${quote(trailing)} after the value`);

  return { ok: true, threshold: { expression: text, metric: metric.value.metric, op: op.value, value: value.value } };
}

/** The metric and how to name it in messages (`p(95)`, `error_rate`, ...). */
function readMetric(text: string): Step<{ metric: ThresholdMetric; label: string }> {
  if (/^p\s*\(/.test(text)) {
    const match = /^p\s*\(([^)]*)\)/.exec(text);
    if (!match) return { ok: false, problem: 'missing ")" after the percentile in p(N)' };
    const inner = match[1]!.trim();
    if (inner === '') return { ok: false, problem: 'p() needs a percentile, such as p(95)' };
    if (!WHOLE_NUMBER.test(inner)) return { ok: false, problem: `percentile ${quote(inner)} is not a number` };
    const percentile = Number(inner);
    if (!(percentile > 0 && percentile <= 100)) return { ok: false, problem: 'percentile must be > 0 and ≤ 100' };
    return { ok: true, value: { metric: { kind: 'percentile', percentile }, label: `p(${percentile})` }, rest: text.slice(match[0].length) };
  }
  // A metric name runs up to whitespace or the first operator character.
  const name = /^[^\s<>=!]+/.exec(text)?.[0];
  if (name === undefined) return { ok: false, problem: `missing metric ${USE_METRICS}` };
  const metric = NAMED_METRICS.get(name);
  if (!metric) return { ok: false, problem: `unknown metric ${quote(name)} ${USE_METRICS}` };
  // A copy, so that a caller mutating its threshold cannot change the table.
  return { ok: true, value: { metric: { ...metric }, label: name }, rest: text.slice(name.length) };
}

function readOperator(text: string, label: string): Step<ThresholdOp> {
  const rest = text.trimStart();
  const token = /^[<>=!]+/.exec(rest)?.[0];
  if (token === undefined) return { ok: false, problem: `missing operator after ${label} ${USE_OPERATORS}` };
  if (!OPERATORS.has(token)) return { ok: false, problem: `unknown operator ${quote(token)} ${USE_OPERATORS}` };
  return { ok: true, value: token as ThresholdOp, rest: rest.slice(token.length) };
}

/** Reads the number and its unit, and converts them to the metric's base unit. */
function readValue(text: string, op: ThresholdOp, label: string, metric: ThresholdMetric): Step<number> {
  const rest = text.trimStart();
  if (rest === '') return { ok: false, problem: `missing value after ${quote(op)}` };
  const number = NUMBER.exec(rest)?.[0];
  const unitMatch = number === undefined ? null : UNIT.exec(rest.slice(number.length));
  const unit = unitMatch?.[1];
  const after = rest.slice((number?.length ?? 0) + (unitMatch?.[0].length ?? 0));
  const converted = convert(number, unit, label, metric);
  return converted.ok ? { ok: true, value: converted.value, rest: after } : converted;
}

type Conversion = { ok: true; value: number } | { ok: false; problem: string };

function convert(number: string | undefined, unit: string | undefined, label: string, metric: ThresholdMetric): Conversion {
  switch (metric.kind) {
    case 'percentile':
    case 'latency': {
      const hint = `${label} takes a duration such as 300ms, 1.5s or 250us`;
      if (number === undefined) return { ok: false, problem: hint };
      // A bare number is milliseconds, as in k6.
      const scale = LATENCY_UNITS.get(unit ?? 'ms');
      if (!scale) return { ok: false, problem: `unknown unit ${quote(unit!)} ${USE_UNITS}` };
      const micros = shift(number, scale.exponent) * scale.factor;
      return checked(number, micros, micros < 0 ? `${label} must not be negative` : null);
    }
    case 'error_rate':
    case 'checks': {
      const example =
        metric.kind === 'error_rate' ? 'a percentage such as 1% or a fraction such as 0.01' : 'a percentage such as 99% or a fraction such as 0.99';
      if (number === undefined || (unit !== undefined && unit !== '%')) return { ok: false, problem: `${label} takes ${example}` };
      if (unit === '%') {
        const fraction = shift(number, -2);
        return checked(number, fraction, fraction < 0 || fraction > 1 ? `${label} must be between 0% and 100%` : null);
      }
      const fraction = Number(number);
      // "error_rate < 5" almost always means five percent: say how to write it.
      const suggestion = fraction > 1 && fraction <= 100 ? ` (for ${number} percent write ${number}%)` : '';
      return checked(number, fraction, fraction < 0 || fraction > 1 ? `${label} as a fraction must be between 0 and 1${suggestion}` : null);
    }
    case 'rps': {
      if (number === undefined || unit !== undefined) return { ok: false, problem: 'rps takes a plain non-negative number such as 500, without a unit' };
      const rps = Number(number);
      return checked(number, rps, rps < 0 ? 'rps must not be negative' : null);
    }
    case 'requests': {
      if (number === undefined || unit !== undefined) return { ok: false, problem: 'requests takes a whole number such as 1000, without a unit' };
      const count = Number(number);
      const problem = count < 0 ? 'requests must not be negative' : Number.isInteger(count) ? null : `requests must be a whole number, not ${number}`;
      return checked(number, count, problem);
    }
  }
}

function checked(number: string, value: number, problem: string | null): Conversion {
  if (!Number.isFinite(value)) return { ok: false, problem: `value ${quote(number)} is too large` };
  if (problem !== null) return { ok: false, problem };
  // "-0" parses to -0, which prints as 0 but is not Object.is-equal to 0.
  return { ok: true, value: value === 0 ? 0 : value };
}

/**
 * Multiplies a decimal by 10^exponent on its text, so that it is rounded once, like a literal:
 * `1.1ms` is exactly 1100 µs and `7%` exactly 0.07, where 1.1 * 1000 is 1100.0000000000002.
 */
function shift(number: string, exponent: number): number {
  return Number(`${number}e${exponent}`);
}
