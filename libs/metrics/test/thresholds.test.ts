import { describe, expect, it } from '@jest/globals';
import { evaluateThreshold, type ThresholdData } from '../src/thresholds/evaluate.js';
import { formatThresholdValue } from '../src/thresholds/format.js';
import { parseThreshold } from '../src/thresholds/parse.js';
import type { Threshold, ThresholdMetric, ThresholdOp } from '../src/thresholds/types.js';

/** Parses an expression that must be valid. */
function parsed(expression: string): Threshold {
  const result = parseThreshold(expression);
  if (!result.ok) throw new Error(`expected ${expression} to parse, got: ${result.error}`);
  return result.threshold;
}

/** The error of an expression that must be invalid. */
function parseError(expression: string): string {
  const result = parseThreshold(expression);
  if (result.ok) throw new Error(`expected ${expression} to be rejected, got ${JSON.stringify(result.threshold)}`);
  return result.error;
}

/**
 * Data with latency percentile p at p × 1000 µs, so that a test can tell which percentile was read
 * (p(95) → 95 ms), and round figures elsewhere; `overrides` changes what a case is about.
 */
function data(overrides: Partial<ThresholdData> = {}): ThresholdData {
  return {
    requests: 1000,
    errors: 0,
    durationSeconds: 10,
    checksPassed: 0,
    checksFailed: 0,
    percentileMicros: (p) => p * 1000,
    meanMicros: 42_000,
    minMicros: 1_000,
    maxMicros: 250_000,
    ...overrides,
  };
}

const NO_LATENCY: Partial<ThresholdData> = { percentileMicros: () => null, meanMicros: null, minMicros: null, maxMicros: null };

describe('parseThreshold: metrics', () => {
  it.each<[string, ThresholdMetric]>([
    ['p(95) < 1s', { kind: 'percentile', percentile: 95 }],
    ['p(99.9) < 1s', { kind: 'percentile', percentile: 99.9 }],
    ['p(100) < 1s', { kind: 'percentile', percentile: 100 }],
    ['p(0.1) < 1s', { kind: 'percentile', percentile: 0.1 }],
    ['med < 1s', { kind: 'percentile', percentile: 50 }],
    ['avg < 1s', { kind: 'latency', stat: 'avg' }],
    ['min < 1s', { kind: 'latency', stat: 'min' }],
    ['max < 1s', { kind: 'latency', stat: 'max' }],
    ['error_rate < 1%', { kind: 'error_rate' }],
    ['checks > 99%', { kind: 'checks' }],
    ['rps > 500', { kind: 'rps' }],
    ['requests > 1000', { kind: 'requests' }],
  ])('%s measures %o', (expression, metric) => {
    expect(parsed(expression)).toEqual({ expression, metric, op: expect.any(String), value: expect.any(Number) });
    expect(parsed(expression).metric).toEqual(metric);
  });

  it('gives each threshold its own metric object', () => {
    const first = parsed('avg < 1s');
    (first.metric as { stat: string }).stat = 'max';
    expect(parsed('avg < 1s').metric).toEqual({ kind: 'latency', stat: 'avg' });
  });
});

describe('parseThreshold: latency units (stored in µs)', () => {
  it.each<[string, number]>([
    ['p(95) < 300ms', 300_000],
    ['p(95) < 300', 300_000], // a bare number is milliseconds
    ['p(95) < 2.5', 2_500],
    ['p(95) < 1s', 1_000_000],
    ['p(95) < 1.5s', 1_500_000],
    ['p(95) < 250us', 250],
    ['p(95) < 250\u00b5s', 250], // micro sign
    ['p(95) < 250\u03bcs', 250], // Greek mu
    ['p(95) < 0.5us', 0.5],
    ['p(95) < 2m', 120_000_000],
    ['p(95) < 1.5m', 90_000_000],
    ['p(95) < 0ms', 0],
    ['p(95) < .5s', 500_000],
    // Converted on the decimal text: 1.1 * 1000 would be 1100.0000000000002.
    ['p(95) < 1.1ms', 1_100],
    ['p(95) < 0.3s', 300_000],
    ['max < 4.35s', 4_350_000],
    ['avg < 1.001m', 60_060_000],
  ])('%s has the value %d µs', (expression, micros) => {
    expect(parsed(expression).value).toBe(micros);
  });
});

describe('parseThreshold: rates, rps and requests', () => {
  it.each<[string, number]>([
    ['error_rate < 1%', 0.01],
    ['error_rate < 0.01', 0.01],
    ['error_rate < 7%', 0.07],
    ['error_rate < 0.5%', 0.005],
    ['error_rate <= 0%', 0],
    ['error_rate <= 0', 0],
    ['error_rate <= 100%', 1],
    ['error_rate <= 1', 1],
    ['checks > 99%', 0.99],
    ['checks > 0.99', 0.99],
    ['checks > 99.9%', 0.999],
    ['checks == 100%', 1],
    ['rps > 500', 500],
    ['rps > 12.5', 12.5],
    ['rps >= 0', 0],
    ['requests > 1000', 1000],
    ['requests >= 0', 0],
    ['requests == -0', 0],
  ])('%s has the value %d', (expression, value) => {
    expect(parsed(expression).value).toBe(value);
  });
});

describe('parseThreshold: operators and whitespace', () => {
  it.each<[string, ThresholdOp]>([
    ['p(95) < 300ms', '<'],
    ['p(95) <= 300ms', '<='],
    ['p(95) > 300ms', '>'],
    ['p(95) >= 300ms', '>='],
    ['p(95) == 300ms', '=='],
    ['p(95) != 300ms', '!='],
  ])('%s uses %s', (expression, op) => {
    expect(parsed(expression).op).toBe(op);
  });

  it.each<[string, Omit<Threshold, 'expression'>]>([
    ['p(95)<300ms', { metric: { kind: 'percentile', percentile: 95 }, op: '<', value: 300_000 }],
    ['  p( 99.9 )   <=   1.5 s  ', { metric: { kind: 'percentile', percentile: 99.9 }, op: '<=', value: 1_500_000 }],
    ['p (95) > 10 ms', { metric: { kind: 'percentile', percentile: 95 }, op: '>', value: 10_000 }],
    ['\terror_rate<=1 %\n', { metric: { kind: 'error_rate' }, op: '<=', value: 0.01 }],
    ['rps>=500', { metric: { kind: 'rps' }, op: '>=', value: 500 }],
    ['requests!=0', { metric: { kind: 'requests' }, op: '!=', value: 0 }],
  ])('%j is read whitespace-tolerantly', (expression, expected) => {
    expect(parsed(expression)).toEqual({ expression: expression.trim(), ...expected });
  });
});

describe('parseThreshold: errors name the expression and the problem', () => {
  const metrics = '(use p(N), med, avg, min, max, error_rate, checks, rps, requests)';
  const operators = '(use <, <=, >, >=, == or !=)';
  it.each<[string, string]>([
    ['', 'threshold "": expression is empty'],
    ['   ', 'threshold "": expression is empty'],
    ['p(95) < 300xs', 'threshold "p(95) < 300xs": unknown unit "xs" (use us, ms, s or m)'],
    ['avg < 3h', 'threshold "avg < 3h": unknown unit "h" (use us, ms, s or m)'],
    ['p(95) < 300MS', 'threshold "p(95) < 300MS": unknown unit "MS" (use us, ms, s or m)'],
    ['p(95) < 5%', 'threshold "p(95) < 5%": unknown unit "%" (use us, ms, s or m)'],
    ['p95 < 300ms', `threshold "p95 < 300ms": unknown metric "p95" ${metrics}`],
    ['P(95) < 300ms', `threshold "P(95) < 300ms": unknown metric "P(95)" ${metrics}`],
    ['latency < 300ms', `threshold "latency < 300ms": unknown metric "latency" ${metrics}`],
    ['constructor < 1', `threshold "constructor < 1": unknown metric "constructor" ${metrics}`],
    ['< 300ms', `threshold "< 300ms": missing metric ${metrics}`],
    ['p(101) < 1s', 'threshold "p(101) < 1s": percentile must be > 0 and ≤ 100'],
    ['p(0) < 1s', 'threshold "p(0) < 1s": percentile must be > 0 and ≤ 100'],
    ['p(-5) < 1s', 'threshold "p(-5) < 1s": percentile must be > 0 and ≤ 100'],
    ['p(x) < 1s', 'threshold "p(x) < 1s": percentile "x" is not a number'],
    ['p() < 1s', 'threshold "p() < 1s": p() needs a percentile, such as p(95)'],
    ['p(95 < 1s', 'threshold "p(95 < 1s": missing ")" after the percentile in p(N)'],
    ['error_rate < 300ms', 'threshold "error_rate < 300ms": error_rate takes a percentage such as 1% or a fraction such as 0.01'],
    ['error_rate < high', 'threshold "error_rate < high": error_rate takes a percentage such as 1% or a fraction such as 0.01'],
    ['error_rate < 5', 'threshold "error_rate < 5": error_rate as a fraction must be between 0 and 1 (for 5 percent write 5%)'],
    ['error_rate < 150%', 'threshold "error_rate < 150%": error_rate must be between 0% and 100%'],
    ['error_rate < -1%', 'threshold "error_rate < -1%": error_rate must be between 0% and 100%'],
    ['checks > 99s', 'threshold "checks > 99s": checks takes a percentage such as 99% or a fraction such as 0.99'],
    ['checks > 500', 'threshold "checks > 500": checks as a fraction must be between 0 and 1'],
    ['rps > 500ms', 'threshold "rps > 500ms": rps takes a plain non-negative number such as 500, without a unit'],
    ['rps > 5%', 'threshold "rps > 5%": rps takes a plain non-negative number such as 500, without a unit'],
    ['rps > -1', 'threshold "rps > -1": rps must not be negative'],
    ['requests > 1.5', 'threshold "requests > 1.5": requests must be a whole number, not 1.5'],
    ['requests > -3', 'threshold "requests > -3": requests must not be negative'],
    ['requests > 10k', 'threshold "requests > 10k": requests takes a whole number such as 1000, without a unit'],
    ['p(95) < -1ms', 'threshold "p(95) < -1ms": p(95) must not be negative'],
    ['med < fast', 'threshold "med < fast": med takes a duration such as 300ms, 1.5s or 250us'],
    ['p(95)', `threshold "p(95)": missing operator after p(95) ${operators}`],
    ['p(95) 300ms', `threshold "p(95) 300ms": missing operator after p(95) ${operators}`],
    ['rps', `threshold "rps": missing operator after rps ${operators}`],
    ['p(95) = 300ms', `threshold "p(95) = 300ms": unknown operator "=" ${operators}`],
    ['p(95) => 300ms', `threshold "p(95) => 300ms": unknown operator "=>" ${operators}`],
    ['p(95) <> 300ms', `threshold "p(95) <> 300ms": unknown operator "<>" ${operators}`],
    ['p(95) === 300ms', `threshold "p(95) === 300ms": unknown operator "===" ${operators}`],
    ['p(95) <', 'threshold "p(95) <": missing value after "<"'],
    ['error_rate <=   ', 'threshold "error_rate <=": missing value after "<="'],
    ['p(95) < 300ms foo', 'threshold "p(95) < 300ms foo": unexpected "foo" after the value'],
    ['p(95) < 300ms < 400ms', 'threshold "p(95) < 300ms < 400ms": unexpected "< 400ms" after the value'],
    ['p(95) < 1.5.5s', 'threshold "p(95) < 1.5.5s": unexpected ".5s" after the value'],
    ['error_rate < 1% ,', 'threshold "error_rate < 1% ,": unexpected "," after the value'],
    ['rps > 500 500', 'threshold "rps > 500 500": unexpected "500" after the value'],
    [`rps > 1${'0'.repeat(400)}`, `threshold "rps > 1${'0'.repeat(400)}": value "1${'0'.repeat(400)}" is too large`],
    ['p(95) < "1s"', 'threshold "p(95) < \\"1s\\"": p(95) takes a duration such as 300ms, 1.5s or 250us'],
  ])('%j', (expression, error) => {
    expect(parseError(expression)).toBe(error);
  });

  it('never throws, even on a value that is not a string', () => {
    expect(parseThreshold(undefined as unknown as string)).toEqual({ ok: false, error: 'threshold must be a string' });
    expect(parseThreshold(42 as unknown as string)).toEqual({ ok: false, error: 'threshold must be a string' });
  });
});

describe('evaluateThreshold', () => {
  it.each<[string, Partial<ThresholdData>, number | null, boolean]>([
    // Percentiles read the asked percentile (the fake gives p × 1000 µs).
    ['p(95) < 100ms', {}, 95_000, true],
    ['p(95) < 95ms', {}, 95_000, false],
    ['p(95) <= 95ms', {}, 95_000, true],
    ['p(99.9) > 99.8ms', {}, 99_900, true],
    ['p(100) == 100ms', {}, 100_000, true],
    ['med == 50ms', {}, 50_000, true],
    ['med < 50ms', {}, 50_000, false],
    ['avg < 50ms', {}, 42_000, true],
    ['avg > 50ms', {}, 42_000, false],
    ['min >= 1ms', {}, 1_000, true],
    ['min > 1ms', {}, 1_000, false],
    ['max <= 250ms', {}, 250_000, true],
    ['max < 0.25s', {}, 250_000, false],
    // No latency sample yet: nothing to judge, the threshold holds.
    ['p(95) < 0ms', NO_LATENCY, null, true],
    ['med > 1s', NO_LATENCY, null, true],
    ['avg == 1ms', NO_LATENCY, null, true],
    ['min > 1s', NO_LATENCY, null, true],
    ['max < 0us', NO_LATENCY, null, true],
    // Errors are not responses: 10 errors and 990 responses are 1% of 1000 attempts.
    ['error_rate < 1%', { requests: 990, errors: 10 }, 0.01, false],
    ['error_rate <= 1%', { requests: 990, errors: 10 }, 0.01, true],
    ['error_rate == 0.01', { requests: 990, errors: 10 }, 0.01, true],
    ['error_rate < 2%', { requests: 990, errors: 10 }, 0.01, true],
    ['error_rate < 50%', { requests: 0, errors: 3 }, 1, false],
    ['error_rate == 0', { requests: 500, errors: 0 }, 0, true],
    // No request and no error at all: the error rate is 0, and judged.
    ['error_rate == 0%', { requests: 0, errors: 0 }, 0, true],
    ['error_rate > 0', { requests: 0, errors: 0 }, 0, false],
    ['checks >= 99%', { checksPassed: 99, checksFailed: 1 }, 0.99, true],
    ['checks > 99%', { checksPassed: 99, checksFailed: 1 }, 0.99, false],
    ['checks == 100%', { checksPassed: 7, checksFailed: 0 }, 1, true],
    ['checks > 0.5', { checksPassed: 1, checksFailed: 3 }, 0.25, false],
    // No check ran: none failed, the threshold holds.
    ['checks > 99%', { checksPassed: 0, checksFailed: 0 }, null, true],
    ['checks == 0%', { checksPassed: 0, checksFailed: 0 }, null, true],
    ['rps >= 100', { requests: 1000, durationSeconds: 10 }, 100, true],
    ['rps > 100', { requests: 1000, durationSeconds: 10 }, 100, false],
    ['rps > 333', { requests: 1000, durationSeconds: 3 }, 1000 / 3, true],
    ['rps < 333.4', { requests: 1000, durationSeconds: 3 }, 1000 / 3, true],
    ['rps > 40', { requests: 100, durationSeconds: 2.5 }, 40, false],
    // Zero duration: rps is 0, and judged.
    ['rps > 0', { requests: 5, durationSeconds: 0 }, 0, false],
    ['rps == 0', { requests: 0, durationSeconds: 0 }, 0, true],
    ['requests >= 1000', { requests: 1000 }, 1000, true],
    ['requests > 1000', { requests: 1000 }, 1000, false],
    ['requests == 0', { requests: 0 }, 0, true],
    ['requests != 0', { requests: 0 }, 0, false],
  ])('%s with %o observes %d: ok=%s', (expression, overrides, value, ok) => {
    expect(evaluateThreshold(parsed(expression), data(overrides))).toEqual({ expression, ok, value });
  });

  it.each<[ThresholdOp, boolean, boolean, boolean]>([
    // op, then ok when observed is below, equal to and above the limit of 100
    ['<', true, false, false],
    ['<=', true, true, false],
    ['>', false, false, true],
    ['>=', false, true, true],
    ['==', false, true, false],
    ['!=', true, false, true],
  ])('requests %s 100: below=%s, equal=%s, above=%s', (op, below, equal, above) => {
    const threshold = parsed(`requests ${op} 100`);
    expect([99, 100, 101].map((requests) => evaluateThreshold(threshold, data({ requests })).ok)).toEqual([below, equal, above]);
  });

  describe('floating point', () => {
    // 0.1 + 0.2 is 0.30000000000000004: equal to 0.3 for every operator, within a tiny relative tolerance.
    const mean = 0.1 + 0.2;
    it.each<[string, boolean]>([
      ['avg == 0.3us', true],
      ['avg != 0.3us', false],
      ['avg <= 0.3us', true],
      ['avg >= 0.3us', true],
      ['avg < 0.3us', false],
      ['avg > 0.3us', false],
    ])('mean 0.1 + 0.2 µs: %s is %s', (expression, ok) => {
      expect(evaluateThreshold(parsed(expression), data({ meanMicros: mean })).ok).toBe(ok);
    });

    // 0.7 + 0.1 is 0.7999999999999999, just below 0.8: equal too, so not "<".
    it.each<[string, boolean]>([
      ['avg < 0.8us', false],
      ['avg >= 0.8us', true],
      ['avg == 0.8us', true],
      ['avg > 0.8us', false],
    ])('mean 0.7 + 0.1 µs: %s is %s', (expression, ok) => {
      expect(evaluateThreshold(parsed(expression), data({ meanMicros: 0.7 + 0.1 })).ok).toBe(ok);
    });

    it('rps of 1000 requests over 3 s equals 333.3333333333', () => {
      const result = evaluateThreshold(parsed('rps == 333.3333333333'), data({ requests: 1000, durationSeconds: 3 }));
      expect(result.ok).toBe(true);
      expect(evaluateThreshold(parsed('rps != 333.3333333333'), data({ requests: 1000, durationSeconds: 3 })).ok).toBe(false);
    });

    it('the tolerance does not hide a real difference of 1 µs in 1 s', () => {
      const slower = data({ maxMicros: 1_000_001 });
      expect(evaluateThreshold(parsed('max == 1s'), slower).ok).toBe(false);
      expect(evaluateThreshold(parsed('max > 1s'), slower).ok).toBe(true);
      expect(evaluateThreshold(parsed('max <= 1s'), slower).ok).toBe(false);
    });

    it('a rate computed from counts equals the percentage written', () => {
      // 7 / 100 and 7% both round to the same double; 1.1ms is exactly 1100 µs.
      expect(evaluateThreshold(parsed('error_rate == 7%'), data({ requests: 93, errors: 7 }))).toEqual({
        expression: 'error_rate == 7%',
        ok: true,
        value: 0.07,
      });
      expect(evaluateThreshold(parsed('error_rate < 7%'), data({ requests: 93, errors: 7 })).ok).toBe(false);
      expect(evaluateThreshold(parsed('p(95) < 1.1ms'), data({ percentileMicros: () => 1_100 })).ok).toBe(false);
    });
  });

  it('fails a threshold whose observed value is not a number, even with !=', () => {
    const broken = data({ requests: Number.NaN });
    expect(evaluateThreshold(parsed('requests != 0'), broken)).toEqual({ expression: 'requests != 0', ok: false, value: Number.NaN });
    expect(evaluateThreshold(parsed('requests >= 0'), broken).ok).toBe(false);
  });

  it('returns the expression as written, trimmed', () => {
    expect(evaluateThreshold(parsed('  rps>=1  '), data()).expression).toBe('rps>=1');
  });
});

describe('formatThresholdValue', () => {
  it.each<[string, number | null, string]>([
    ['p(95) < 300ms', 312_400, '312.4ms'],
    ['p(95) < 300ms', 300_000, '300ms'],
    ['p(95) < 300ms', 250, '250µs'],
    ['p(95) < 300ms', 0, '0µs'],
    ['p(95) < 300ms', 999.96, '1ms'],
    ['p(95) < 2s', 1_500_000, '1.5s'],
    ['avg < 2s', 1_234_567, '1.23s'],
    ['max < 2s', 999_960, '1s'],
    ['med < 2s', 90_000_000, '90s'],
    // Looks like the limit but is not: more digits.
    ['p(95) < 300ms', 300_040, '300.04ms'],
    ['p(95) < 300ms', null, 'no data'],
    ['error_rate < 1%', 0.004, '0.4%'],
    ['error_rate < 1%', 0, '0%'],
    ['error_rate < 1%', 1, '100%'],
    ['error_rate < 1%', 0.012345, '1.23%'],
    ['checks > 99.99%', 0.99989, '99.989%'],
    ['checks > 99.99%', 0.9999, '99.99%'],
    ['checks > 99%', null, 'no data'],
    ['rps > 500', 512.345, '512.3 rps'],
    ['rps > 500', 500, '500 rps'],
    ['rps > 500', 500.04, '500.04 rps'],
    ['requests > 1000', 1234, '1234 requests'],
    ['requests > 1000', 0, '0 requests'],
  ])('%s renders %d as %s', (expression, value, text) => {
    expect(formatThresholdValue(parsed(expression), value)).toBe(text);
  });

  it('renders what evaluateThreshold observed', () => {
    const threshold = parsed('error_rate < 1%');
    const result = evaluateThreshold(threshold, data({ requests: 996, errors: 4 }));
    expect(`${result.expression}: ${formatThresholdValue(threshold, result.value)} ${result.ok ? 'ok' : 'failed'}`).toBe('error_rate < 1%: 0.4% ok');
  });
});
