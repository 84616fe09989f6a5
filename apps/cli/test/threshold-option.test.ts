import { describe, expect, it } from '@jest/globals';
import { parseThresholdOption } from '../src/commands/run/threshold-option.js';

const ok = (text: string) => {
  const result = parseThresholdOption(text);
  if (!result.ok) throw new Error(result.error);
  return result.threshold;
};
const error = (text: string) => {
  const result = parseThresholdOption(text);
  if (result.ok) throw new Error(`accepted ${text}`);
  return result.error;
};

describe('--threshold', () => {
  it('takes our expressions as they are', () => {
    expect(ok('p(95)<300ms')).toEqual({ expression: 'p(95)<300ms' });
    expect(ok('  error_rate < 1% ')).toEqual({ expression: 'error_rate < 1%' });
    expect(ok('rps>100')).toEqual({ expression: 'rps>100' });
    expect(ok('checks>=99%')).toEqual({ expression: 'checks>=99%' });
  });

  it("maps k6's metrics to ours", () => {
    expect(ok('http_req_duration: p(95)<300')).toEqual({ expression: 'p(95)<300' });
    expect(ok('http_req_duration:avg<200')).toEqual({ expression: 'avg<200' });
    expect(ok('http_req_failed: rate<0.01')).toEqual({ expression: 'error_rate<0.01' });
    expect(ok('http_reqs: rate>100')).toEqual({ expression: 'rps>100' });
    expect(ok('http_reqs: count>=1000')).toEqual({ expression: 'requests>=1000' });
    expect(ok('checks: rate>0.99')).toEqual({ expression: 'checks>0.99' });
  });

  it("k6's {name:STEP} judges one step", () => {
    expect(ok('http_req_duration{name:login}: p(99)<1s')).toEqual({ expression: 'p(99)<1s', step: 'login' });
    expect(ok('{name:GET /}: p(95)<10ms')).toEqual({ expression: 'p(95)<10ms', step: 'GET /' });
  });

  it('refuses a bad expression with the master parser’s words', () => {
    expect(error('p(95)<')).toBe('threshold "p(95)<": missing value after "<"');
    expect(error('p95<300ms')).toBe('threshold "p95<300ms": unknown metric "p95" (use p(N), med, avg, min, max, error_rate, checks, rps, requests)');
    expect(error('p(95)<300 parsecs')).toMatch(/unknown unit "parsecs"/);
    expect(error('error_rate<5')).toMatch(/for 5 percent write 5%/);
  });

  it("refuses k6 metrics it does not know, and aggregations they don't have", () => {
    expect(error('vus_max: value<10')).toBe(
      'threshold "vus_max: value<10": unknown metric "vus_max" (use http_req_duration, http_req_failed, http_reqs, checks, or no metric)',
    );
    expect(error('http_req_failed: p(95)<3')).toBe('threshold "http_req_failed: p(95)<3": http_req_failed takes rate');
    expect(error('http_req_duration: rate<3')).toBe('threshold "http_req_duration: rate<3": http_req_duration takes p(N), med, avg, min or max');
    expect(error('{name:}: p(95)<3')).toMatch(/needs a step name/);
  });
});
