import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config.js';

describe('loadConfig worker timings', () => {
  it('defaults to missing after 3 s and lost after 13 s', () => {
    const config = loadConfig({});
    expect(config.workerMissingAfterMs).toBe(3000);
    expect(config.workerLostAfterMs).toBe(13_000);
  });

  it('reads both from the environment', () => {
    const config = loadConfig({ WORKER_MISSING_AFTER_MS: '1500', WORKER_LOST_AFTER_MS: '4000' });
    expect(config.workerMissingAfterMs).toBe(1500);
    expect(config.workerLostAfterMs).toBe(4000);
  });

  it('refuses a lost delay not more than the missing one, or not a number, naming the variable', () => {
    expect(() => loadConfig({ WORKER_MISSING_AFTER_MS: '5000', WORKER_LOST_AFTER_MS: '5000' })).toThrow(
      'invalid environment: WORKER_LOST_AFTER_MS: must be more than WORKER_MISSING_AFTER_MS',
    );
    expect(() => loadConfig({ WORKER_MISSING_AFTER_MS: '20000' })).toThrow(/WORKER_LOST_AFTER_MS: must be more than WORKER_MISSING_AFTER_MS/);
    expect(() => loadConfig({ WORKER_LOST_AFTER_MS: 'soon' })).toThrow(/WORKER_LOST_AFTER_MS/);
  });

  it('reads MASTER_HEARTBEAT_MS (5 s by default) and refuses one out of range, naming it', () => {
    expect(loadConfig({}).masterHeartbeatMs).toBe(5000);
    expect(loadConfig({ MASTER_HEARTBEAT_MS: '1000' }).masterHeartbeatMs).toBe(1000);
    expect(() => loadConfig({ MASTER_HEARTBEAT_MS: '50' })).toThrow(/MASTER_HEARTBEAT_MS/);
  });
});

describe('loadConfig security settings', () => {
  it('allows no cross-origin access and 600 writes a minute by default', () => {
    const config = loadConfig({});
    expect(config.corsOrigins).toEqual([]);
    expect(config.writeRateLimitPerMinute).toBe(600);
  });

  it('reads the CORS origins as a comma list, and refuses one with a path or no scheme, naming the variable', () => {
    expect(loadConfig({ LOADTEST_CORS_ORIGINS: ' https://ops.example , http://10.0.0.5:3000,' }).corsOrigins).toEqual([
      'https://ops.example',
      'http://10.0.0.5:3000',
    ]);
    expect(() => loadConfig({ LOADTEST_CORS_ORIGINS: 'https://ops.example/app' })).toThrow(/LOADTEST_CORS_ORIGINS/);
    expect(() => loadConfig({ LOADTEST_CORS_ORIGINS: 'ops.example' })).toThrow(/LOADTEST_CORS_ORIGINS/);
  });

  it('reads LOADTEST_WRITE_RATE_LIMIT and refuses 0 (the limit cannot be turned off in production)', () => {
    expect(loadConfig({ LOADTEST_WRITE_RATE_LIMIT: '50' }).writeRateLimitPerMinute).toBe(50);
    expect(() => loadConfig({ LOADTEST_WRITE_RATE_LIMIT: '0' })).toThrow(/LOADTEST_WRITE_RATE_LIMIT/);
  });
});

describe('loadConfig run caps', () => {
  it('defaults to generous caps and reads each, refusing a bad one by name', () => {
    expect(loadConfig({}).runCaps).toEqual({ vus: 100_000, rate: 1_000_000, durationSeconds: 604_800 });
    expect(loadConfig({ LOADTEST_MAX_RUN_VUS: '500', LOADTEST_MAX_RUN_RATE: '2000', LOADTEST_MAX_RUN_DURATION_S: '3600' }).runCaps).toEqual({
      vus: 500,
      rate: 2000,
      durationSeconds: 3600,
    });
    expect(() => loadConfig({ LOADTEST_MAX_RUN_VUS: '0' })).toThrow(/LOADTEST_MAX_RUN_VUS/);
    expect(() => loadConfig({ LOADTEST_MAX_RUN_DURATION_S: 'long' })).toThrow(/LOADTEST_MAX_RUN_DURATION_S/);
  });
});
