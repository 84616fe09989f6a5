import { describe, expect, it } from '@jest/globals';
import { checkUrl, targetPolicyFromEnv } from '../src/index.js';

describe('targetPolicyFromEnv', () => {
  it('embedded mode (no DATABASE_URL, no AMQP_URL): loopback by default', () => {
    const policy = targetPolicyFromEnv({});
    expect(policy.source).toBe('embedded default (loopback)');
    expect(checkUrl('http://127.0.0.1:3000/', policy.allowlist).host).toBe('127.0.0.1');
    expect(checkUrl('http://localhost:3000/', policy.allowlist).host).toBe('localhost');
    expect(() => checkUrl('http://10.0.0.1/', policy.allowlist)).toThrow(/not in the allowlist/);
  });

  it('distributed mode: empty by default, the broker and the database denied', () => {
    const env = { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db', AMQP_URL: 'amqp://guest:guest@localhost' };
    expect(targetPolicyFromEnv(env).source).toBe('distributed default (empty)');
    expect(() => checkUrl('http://127.0.0.1:3000/', targetPolicyFromEnv(env).allowlist)).toThrow(/the allowlist is empty/);
    const set = targetPolicyFromEnv({ ...env, LOADTEST_TARGET_ALLOWLIST: '127.0.0.1,localhost' });
    expect(checkUrl('http://127.0.0.1:3000/', set.allowlist).port).toBe(3000);
    expect(() => checkUrl('http://127.0.0.1:5432/', set.allowlist)).toThrow(/database's own endpoint/);
    expect(() => checkUrl('http://127.0.0.1:5672/', set.allowlist)).toThrow(/broker's own endpoint/);
    expect(() => checkUrl('http://localhost:5672/', set.allowlist)).toThrow(/broker's own endpoint/);
  });

  it('names a bad entry', () => {
    expect(() => targetPolicyFromEnv({ LOADTEST_TARGET_ALLOWLIST: 'a,b:x' })).toThrow(/LOADTEST_TARGET_ALLOWLIST: allowlist entry "b:x": bad port "x"/);
  });
});
