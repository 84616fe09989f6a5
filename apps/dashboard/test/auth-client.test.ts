import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Principal } from '@loadtest/protocol';
import { fetchMe, logIn, logInWithLink, logOut } from '../src/api/auth.js';
import { ApiError, apiRequest } from '../src/api/client.js';
import { csrfToken, setCsrfToken } from '../src/api/csrf-token.js';
import { onUnauthorized } from '../src/api/unauthorized.js';
import { loginLinkSecret, takeLoginLinkSecret } from '../src/auth/login-link.js';
import { loginPathFor, safeNextPath } from '../src/auth/next-path.js';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

const principal: Principal = { user: { id: '00000000-0000-4000-8000-000000000003', username: 'admin', role: 'admin' }, via: 'session', csrfToken: 'csrf-1' };
const realFetch = globalThis.fetch;
let sent: Sent[];

/** The master, faked: every request is recorded and answered with `status` and `body`. */
function answer(status: number, body: unknown): void {
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body as string | undefined });
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
}

beforeEach(() => {
  sent = [];
  setCsrfToken(null);
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('apiRequest and the session', () => {
  it('sends the CSRF token of the login on every write, and not on reads', async () => {
    answer(200, principal);
    await logIn({ username: 'admin', password: 'correct horse battery' });
    expect(csrfToken()).toBe('csrf-1');
    sent = [];
    answer(200, { ok: true });
    await apiRequest('/plans', { method: 'POST', body: '{}' });
    await apiRequest('/plans/p', { method: 'put', body: '{}' });
    await apiRequest('/tokens/t', { method: 'DELETE' });
    await apiRequest('/users/u', { method: 'PATCH', body: '{}' });
    await apiRequest('/runs');
    expect(sent.map((s) => [s.method, s.headers.get('x-csrf-token')])).toEqual([
      ['POST', 'csrf-1'],
      ['put', 'csrf-1'],
      ['DELETE', 'csrf-1'],
      ['PATCH', 'csrf-1'],
      ['GET', null],
    ]);
  });

  it('takes the fresh token GET /auth/me answers, and forgets it on logout', async () => {
    answer(200, { ...principal, csrfToken: 'csrf-2' });
    await fetchMe();
    expect(csrfToken()).toBe('csrf-2');
    answer(204, null);
    await logOut();
    expect(sent.at(-1)).toMatchObject({ url: '/api/v1/auth/logout', method: 'POST' });
    expect(sent.at(-1)!.headers.get('x-csrf-token')).toBe('csrf-2');
    expect(csrfToken()).toBeNull();
  });

  it('posts the login form’s fields to /auth/login, and rejects with the API’s message on 401 without calling the session ended', async () => {
    let ended = 0;
    const off = onUnauthorized(() => ended++);
    answer(401, { statusCode: 401, error: 'Unauthorized', message: 'wrong username or password' });
    const failure = await logIn({ username: 'admin', password: 'nope' }).catch((error: unknown) => error);
    off();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: '/api/v1/auth/login', method: 'POST' });
    expect(JSON.parse(sent[0]!.body!)).toEqual({ username: 'admin', password: 'nope' });
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toBe('wrong username or password');
    expect(ended).toBe(0);
  });

  it('any other 401 tells the app the session has ended (it shows the login page)', async () => {
    let ended = 0;
    const off = onUnauthorized(() => ended++);
    answer(401, { statusCode: 401, error: 'Unauthorized', message: 'log in first' });
    await expect(apiRequest('/runs')).rejects.toThrow('log in first');
    expect(ended).toBe(1);
    // GET /auth/me's 401 is the answer the app asked for at start, not a session that ended.
    await expect(fetchMe()).rejects.toThrow('log in first');
    off();
    expect(ended).toBe(1);
  });
});

describe('the one-time login link (/login#once=<secret>)', () => {
  it('reads the secret from the hash only', () => {
    expect(loginLinkSecret('#once=abc_DEF-123')).toBe('abc_DEF-123');
    expect(loginLinkSecret('#other=1&once=x')).toBe('x');
    expect(loginLinkSecret('')).toBeNull();
    expect(loginLinkSecret('#once=')).toBeNull();
  });

  it('takes the secret out of the address bar, then exchanges it at /auth/login-link', async () => {
    const replaced: string[] = [];
    const history = { state: { idx: 0 }, replaceState: (_state: unknown, _title: string, url?: string | URL | null) => void replaced.push(String(url)) };
    const secret = takeLoginLinkSecret({ hash: '#once=s3cret', pathname: '/login', search: '' }, history);
    expect(secret).toBe('s3cret');
    expect(replaced).toEqual(['/login']);
    answer(200, principal);
    await expect(logInWithLink(secret!)).resolves.toEqual(principal);
    expect(sent[0]).toMatchObject({ url: '/api/v1/auth/login-link', method: 'POST' });
    expect(JSON.parse(sent[0]!.body!)).toEqual({ token: 's3cret' });
    expect(csrfToken()).toBe('csrf-1');
  });

  it('leaves an address without a secret alone', () => {
    const replaced: string[] = [];
    const history = { state: null, replaceState: (_state: unknown, _title: string, url?: string | URL | null) => void replaced.push(String(url)) };
    expect(takeLoginLinkSecret({ hash: '#top', pathname: '/login', search: '?next=%2Fruns' }, history)).toBeNull();
    expect(replaced).toEqual([]);
  });
});

describe('returning after login (?next=)', () => {
  it('keeps the page, its query and hash', () => {
    expect(loginPathFor('/runs/abc?x=1#y')).toBe('/login?next=%2Fruns%2Fabc%3Fx%3D1%23y');
    expect(loginPathFor('/')).toBe('/login');
    expect(safeNextPath(new URLSearchParams(loginPathFor('/runs/abc?x=1#y').split('?')[1]).get('next'))).toBe('/runs/abc?x=1#y');
  });

  it('goes nowhere off this dashboard', () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '', null, '/login', '/login?next=/x'])
      expect(safeNextPath(next)).toBe('/');
  });
});
