import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody } from '@loadtest/protocol';
import { InProcessHub } from '@loadtest/transport';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Master, MasterDeps } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const OTHER_ORIGIN = 'http://elsewhere.example:3000';
const CURL = { headers: { 'content-type': 'text/plain' }, payload: 'curl http://127.0.0.1:9/a' };

describe('security headers, CORS, the write rate limit and body limits (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dashboard: string;
  let master: Master;
  let withCors: Master;
  let limited: Master;

  beforeAll(async () => {
    db = await createTestDatabase();
    dashboard = mkdtempSync(join(tmpdir(), 'dashboard-'));
    writeFileSync(join(dashboard, 'index.html'), '<!doctype html><title>loadtest</title><div id="root"></div>');
    const build = (security: MasterDeps['security']) =>
      buildTestMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: dashboard, security });
    master = await build(undefined);
    withCors = await build({ corsOrigins: [OTHER_ORIGIN] });
    limited = await build({ writeRateLimitPerMinute: 3 });
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await withCors?.app.close();
    await limited?.app.close();
    await db?.drop();
    rmSync(dashboard, { recursive: true, force: true });
  });

  it('sends the security headers on an API answer and on the dashboard, with a CSP that loads only its own scripts', async () => {
    for (const url of ['/api/v1/workers', '/', '/runs/x']) {
      const response = await master.app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      // Plain HTTP on a private network must keep working.
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('gives no cross-origin access by default: a preflight and a request from another origin get no Access-Control-Allow-Origin', async () => {
    const preflight = await master.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/plans',
      headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const read = await master.app.inject({ method: 'GET', url: '/api/v1/workers', headers: { origin: OTHER_ORIGIN } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives cross-origin access to a configured origin only', async () => {
    const preflight = await withCors.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/plans',
      headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(OTHER_ORIGIN);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    const stranger = await withCors.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/plans',
      headers: { origin: 'http://another.example', 'access-control-request-method': 'POST' },
    });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the writes over the limit with a 429, Retry-After and the API error format; reads are not limited', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await limited.app.inject({ method: 'POST', url: '/api/v1/imports/curl', ...CURL });
      expect({ i, status: response.statusCode }).toEqual({ i, status: 200 });
    }
    const refused = await limited.app.inject({ method: 'POST', url: '/api/v1/imports/curl', ...CURL });
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = refused.json<ErrorBody>();
    expect(body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^too many writes: the limit is 3 per minute per client/),
    });
    for (let i = 0; i < 5; i++) expect((await limited.app.inject({ method: 'GET', url: '/api/v1/workers' })).statusCode).toBe(200);
    // Another app (its own count) and the default limit take the same request.
    expect((await master.app.inject({ method: 'POST', url: '/api/v1/imports/curl', ...CURL })).statusCode).toBe(200);
  });

  it('answers a body over the limit with a 413 naming the limit of the route', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    for (const url of ['/api/v1/plans', '/api/v1/imports/curl']) {
      const response = await master.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: big });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 413 });
      expect(response.json<ErrorBody>()).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `request body over the limit of 1 MiB (1048576 bytes) for POST ${url}`,
      });
    }
    const yaml = await master.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      headers: { 'content-type': 'application/yaml' },
      payload: `name: ${'x'.repeat(1024 * 1024)}`,
    });
    expect(yaml.statusCode).toBe(413);
    expect(yaml.json<ErrorBody>().message).toContain('1 MiB');
    const har = await master.app.inject({
      method: 'POST',
      url: '/api/v1/imports/har',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ log: { entries: [], pad: 'x'.repeat(64 * 1024 * 1024) } }),
    });
    expect(har.statusCode).toBe(413);
    expect(har.json<ErrorBody>().message).toBe('request body over the limit of 64 MiB (67108864 bytes) for POST /api/v1/imports/har');
  }, 30_000);
});
