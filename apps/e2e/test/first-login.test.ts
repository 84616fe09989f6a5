import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@loadtest/process';
import type { Principal } from '@loadtest/protocol';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, startCommand, type RunningProcess } from './harness.js';

/**
 * The newcomer's first minute, as the README tells it: `npm start` with nothing set prints one line with a one-time
 * login URL; the API refuses anyone without credentials; the URL logs in as the admin, once.
 */
describe('first login after `npm start` (embedded PostgreSQL, nothing configured)', () => {
  let dataDir: string;
  let master: RunningProcess | undefined;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'first-login-'));
    // Run as root, the embedded PostgreSQL runs as `postgres`, which must traverse the data folder.
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    await master?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('prints one login line whose URL logs in as admin once; without it the API answers 401', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No LOADTEST_ADMIN_TOKEN (the harness sets one for the other tests): the empty string is unset.
    master = startCommand('first-login', 'npm', ['start'], {
      PORT: String(port),
      LOADTEST_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
      AMQP_URL: '',
      LOCAL_WORKERS: '0',
      LOADTEST_ADMIN_TOKEN: '',
    });
    const line = await master.waitForLog((r) => typeof r.loginUrl === 'string', 90_000);
    const loginUrl = new URL(String(line.loginUrl));
    expect(`${loginUrl.origin}${loginUrl.pathname}`).toBe(`${base}/login`);
    expect(String(line.msg)).toBe(`log in as admin (once) at ${loginUrl.href}`);
    expect(master.logs.filter((r) => typeof r.loginUrl === 'string')).toHaveLength(1);
    const secret = new URLSearchParams(loginUrl.hash.slice(1)).get('once');
    expect(secret).toMatch(/^ltl_/);

    expect((await api(base, 'GET', '/api/v1/plans', undefined, { authorization: '' })).status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const login = await fetch(`${base}/api/v1/auth/login-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } });
    expect(((await me.json()) as Principal).user).toMatchObject({ username: 'admin', role: 'admin' });
    const again = await fetch(`${base}/api/v1/auth/login-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    expect(again.status).toBe(401);
  }, 120_000);
});
