import { describe, expect, it } from '@jest/globals';
import { startRunBody } from '../src/commands/run/run-options.js';

describe('loadtest run options → POST /plans/:id/runs body', () => {
  it('--vus and --duration give one constant-vus scenario', () => {
    expect(startRunBody({ vus: 5, duration: '30s' })).toEqual({
      ok: true,
      body: { scenarios: [{ name: 'default', executor: 'constant-vus', vus: 5, duration: 30 }], thresholds: [] },
    });
  });

  it('without load options: one VU for 10 s', () => {
    const result = startRunBody({});
    expect(result.ok && result.body.scenarios).toEqual([{ name: 'default', executor: 'constant-vus', vus: 1, duration: 10 }]);
  });

  it('--rate, --max-vus and --duration give a constant-arrival-rate scenario; --graceful-stop 0 is kept', () => {
    expect(startRunBody({ rate: 50, maxVus: 20, duration: '1m30s', gracefulStop: '0s', timeout: '5s' })).toEqual({
      ok: true,
      body: {
        scenarios: [{ name: 'default', executor: 'constant-arrival-rate', rate: 50, maxVUs: 20, duration: 90, gracefulStop: 0 }],
        thresholds: [],
        timeoutSeconds: 5,
      },
    });
  });

  it('--preset takes --vus as the peak, any case, and an optional duration', () => {
    const result = startRunBody({ preset: 'stress', vus: 40, duration: '2m' });
    expect(result.ok && result.body.scenarios).toEqual([{ name: 'default', executor: 'preset', preset: 'STRESS', vus: 40, duration: 120 }]);
  });

  it('thresholds: plain ones, and abort ones with their grace', () => {
    const result = startRunBody({
      vus: 2,
      duration: '5s',
      threshold: ['p(95)<300ms', 'http_req_failed: rate<0.01'],
      abortThreshold: ['error_rate<5%'],
      abortGrace: '10s',
    });
    expect(result.ok && result.body.thresholds).toEqual([
      { expression: 'p(95)<300ms' },
      { expression: 'error_rate<0.01' },
      { expression: 'error_rate<5%', abortOnFail: true, abortGraceSeconds: 10 },
    ]);
  });

  it('lists every mistake at once, naming the options', () => {
    const result = startRunBody({ rate: 10, vus: 3, duration: 'soon', threshold: ['p(95)<<3'] });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual([
      '--duration: "soon" is not a duration in whole seconds (e.g. 30s, 5m, 1m30s, 1h)',
      '--rate is the open model: give --max-vus (the connections it may use), not --vus',
      '--rate needs --max-vus, the most connections the rate may keep busy',
      '--rate needs --duration',
      '--threshold: threshold "p(95)<<3": unknown operator "<<" (use <, <=, >, >=, == or !=)',
    ]);
  });

  it('refuses mixed models and missing parts', () => {
    expect(startRunBody({ preset: 'LOAD' })).toEqual({ ok: false, errors: ['--preset needs --vus, the peak number of VUs'] });
    expect(startRunBody({ preset: 'RAMP', vus: 3 })).toEqual({ ok: false, errors: ['--preset must be one of LOAD, STRESS, SPIKE, SOAK, not "RAMP"'] });
    expect(startRunBody({ maxVus: 3 })).toEqual({ ok: false, errors: ['--max-vus goes with --rate (with a fixed number of VUs, use --vus)'] });
    expect(startRunBody({ abortGrace: '5s' })).toEqual({ ok: false, errors: ['--abort-grace goes with --abort-threshold'] });
  });

  it("names the option of a value the API's schema refuses", () => {
    expect(startRunBody({ vus: 200_000, duration: '5s' })).toEqual({ ok: false, errors: [expect.stringMatching(/^--vus: /)] });
    expect(startRunBody({ vus: 1, duration: '5s', timeout: '11m' })).toEqual({ ok: false, errors: [expect.stringMatching(/^--timeout: /)] });
  });
});
