import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { AuditPage, CreatedApiToken, PlanResource, Principal, User } from '@loadtest/protocol';
import { InProcessHub } from '@loadtest/transport';
import { createHash } from 'node:crypto';
import pino from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import type { Master } from '../src/app.js';
import { buildMaster } from '../src/app.js';
import { adminHeaders, buildTestMaster, injectAnonymously } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const PASSWORD = 'correct horse battery staple';
const plan = (name: string) => ({ name, baseUrl: 'http://127.0.0.1:9', steps: [{ name: 'home', method: 'GET', url: '/' }] });

/** The `name=value` of a Set-Cookie header, and its attributes in lower case. */
function cookieOf(response: LightMyRequestResponse, name: string): { pair: string; attributes: string[] } {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair: pair!, attributes: attributes.map((a) => a.toLowerCase()) };
}

describe('users, roles, tokens and sessions (real PostgreSQL)', () => {
  let db: TestDatabase;
  let master: Master;
  const logLines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Everything the master logs, to check that no secret is in it.
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: new InProcessHub(silent),
      logger,
      dashboardDir: null,
      security: { loginRateLimitPerMinute: 1000 },
    });
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  const anonymous = (method: 'GET' | 'POST', url: string, payload?: object) => injectAnonymously(master.app, { method, url, ...(payload ? { payload } : {}) });
  const createUser = async (username: string, role: string, password?: string) => {
    const response = await master.app.inject({ method: 'POST', url: '/api/v1/users', payload: { username, role, ...(password ? { password } : {}) } });
    withMessage(response.body, () => expect(response.statusCode).toBe(201));
    return response.json<User>();
  };
  const login = (username: string, password: string) => anonymous('POST', '/api/v1/auth/login', { username, password });
  const audit = async (query: string) => (await master.app.inject({ method: 'GET', url: `/api/v1/audit?${query}` })).json<AuditPage>().items;

  it('answers 401 without credentials, keeps /healthz and /readyz open, and names how to authenticate', async () => {
    const refused = await anonymous('GET', '/api/v1/plans');
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ message: string }>().message).toMatch(/Authorization: Bearer/);
    expect((await anonymous('GET', '/api/v1/no-such-route')).statusCode).toBe(401);
    expect((await anonymous('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await anonymous('GET', '/readyz')).json()).toEqual({ status: 'ok' });
    const badToken = await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/plans', headers: { authorization: `Bearer lt_${'q'.repeat(43)}` } });
    expect(badToken.statusCode).toBe(401);
    expect(badToken.json<{ message: string }>().message).toMatch(/unknown, expired or revoked/);
    expect(
      (await master.app.inject({ method: 'GET', url: '/api/v1/plans', headers: { authorization: adminHeaders.authorization.replace('Bearer', 'bearer') } }))
        .statusCode,
    ).toBe(200);
  });

  it('logs in with a password into an httpOnly SameSite=Strict session, and refuses a write without its CSRF token', async () => {
    await createUser('olivia', 'operator', PASSWORD);
    const wrong = await login('olivia', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect((await login('nobody', PASSWORD)).json<{ message: string }>().message).toBe(wrong.json<{ message: string }>().message);
    const response = await login('olivia', PASSWORD);
    withMessage(response.body, () => expect(response.statusCode).toBe(200));
    const principal = response.json<Principal>();
    expect(principal.user).toMatchObject({ username: 'olivia', role: 'operator' });
    const session = cookieOf(response, 'lt_session');
    expect(session.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    const csrf = cookieOf(response, 'lt_csrf');
    expect(csrf.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict']));
    const cookie = `${session.pair}; ${csrf.pair}`;

    const me = await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json<Principal>()).toMatchObject({ user: { username: 'olivia', role: 'operator' }, via: 'session' });
    const withoutCsrf = await injectAnonymously(master.app, { method: 'POST', url: '/api/v1/plans', headers: { cookie }, payload: plan('no csrf') });
    expect(withoutCsrf.statusCode).toBe(403);
    const forged = await injectAnonymously(master.app, {
      method: 'POST',
      url: '/api/v1/plans',
      headers: { cookie, 'x-csrf-token': 'forged' },
      payload: plan('forged'),
    });
    expect(forged.statusCode).toBe(403);
    const written = await injectAnonymously(master.app, {
      method: 'POST',
      url: '/api/v1/plans',
      headers: { cookie, 'x-csrf-token': principal.csrfToken! },
      payload: plan('with csrf'),
    });
    withMessage(written.body, () => expect(written.statusCode).toBe(201));
    // An operator may not manage users.
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/users', headers: { cookie } })).statusCode).toBe(403);

    const logout = await injectAnonymously(master.app, {
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': principal.csrfToken! },
    });
    expect(logout.statusCode).toBe(204);
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);

    const logins = await audit('actor=olivia');
    expect(logins.map((e) => e.action)).toEqual(['logout', 'plan.created', 'login']);
    expect(logins.find((e) => e.action === 'plan.created')).toMatchObject({ via: 'session', subjectType: 'plan', subjectId: written.json<PlanResource>().id });
    const failed = await audit('action=login.failed');
    expect(failed.map((e) => e.details.username).sort()).toEqual(['nobody', 'olivia']);
  });

  it('shows a token once, stores only its SHA-256, and refuses it once expired or revoked', async () => {
    const viewer = await createUser('vic', 'viewer');
    const created = await master.app.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci', userId: viewer.id, expiresInDays: 30 } });
    withMessage(created.body, () => expect(created.statusCode).toBe(201));
    const token = created.json<CreatedApiToken>();
    expect(token.token).toMatch(/^lt_[A-Za-z0-9_-]{43}$/);
    expect(token.prefix).toBe(token.token.slice(0, 7));
    const listed = await master.app.inject({ method: 'GET', url: '/api/v1/tokens' });
    expect(listed.body).not.toContain(token.token);
    const rows = await db.prisma.apiToken.findMany({ where: { id: token.id } });
    expect(rows[0]?.secretHash).toBe(createHash('sha256').update(token.token).digest('hex'));
    expect(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(token.token.slice(3));

    const as = (method: 'GET' | 'POST', url: string, payload?: object) =>
      injectAnonymously(master.app, { method, url, headers: { authorization: `Bearer ${token.token}` }, ...(payload ? { payload } : {}) });
    expect((await as('GET', '/api/v1/plans')).statusCode).toBe(200);
    const forbidden = await as('POST', '/api/v1/plans', plan('by a viewer'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<{ message: string }>().message).toBe('POST /api/v1/plans needs the operator role; vic has viewer');
    // Promoted: the same token acts with the new role.
    expect((await master.app.inject({ method: 'PATCH', url: `/api/v1/users/${viewer.id}`, payload: { role: 'operator' } })).statusCode).toBe(200);
    expect((await as('POST', '/api/v1/plans', plan('by an operator'))).statusCode).toBe(201);

    await db.prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await as('GET', '/api/v1/plans')).statusCode).toBe(401);
    await db.prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() + 3600_000) } });
    expect((await as('GET', '/api/v1/plans')).statusCode).toBe(200);
    expect((await master.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode).toBe(204);
    expect((await as('GET', '/api/v1/plans')).statusCode).toBe(401);
    expect((await master.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode).toBe(204);
    expect((await audit(`subjectId=${token.id}`)).map((e) => e.action)).toEqual(['token.revoked', 'token.created']);

    // Disabled: its tokens stop working.
    const again = (await master.app.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci 2', userId: viewer.id } })).json<CreatedApiToken>();
    await master.app.inject({ method: 'PATCH', url: `/api/v1/users/${viewer.id}`, payload: { disabled: true } });
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/plans', headers: { authorization: `Bearer ${again.token}` } })).statusCode).toBe(
      401,
    );
  });

  it('keeps at least one admin, refuses a taken name, and hashes passwords with argon2id', async () => {
    const users = (await master.app.inject({ method: 'GET', url: '/api/v1/users' })).json<{ items: User[] }>().items;
    const admin = users.find((u) => u.username === 'admin')!;
    const demote = await master.app.inject({ method: 'PATCH', url: `/api/v1/users/${admin.id}`, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect((await master.app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'admin', role: 'viewer' } })).statusCode).toBe(409);
    const short = await master.app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'pat', role: 'viewer', password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual(['password']);
    await createUser('hashed', 'viewer', PASSWORD);
    const row = await db.prisma.user.findUnique({ where: { username: 'hashed' } });
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("ends a user's other sessions when their password changes, and keeps the one that changed it", async () => {
    await createUser('ada', 'admin', PASSWORD);
    const sessionOf = async () => {
      const response = await login('ada', PASSWORD);
      const cookie = `${cookieOf(response, 'lt_session').pair}; ${cookieOf(response, 'lt_csrf').pair}`;
      return { cookie, csrf: response.json<Principal>().csrfToken!, id: response.json<Principal>().user.id };
    };
    const a = await sessionOf();
    const b = await sessionOf();
    const me = (cookie: string) => injectAnonymously(master.app, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect((await me(b.cookie)).statusCode).toBe(200);
    const changed = await injectAnonymously(master.app, {
      method: 'PATCH',
      url: `/api/v1/users/${a.id}`,
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
      payload: { password: 'another long password' },
    });
    withMessage(changed.body, () => expect(changed.statusCode).toBe(200));
    expect((await me(a.cookie)).statusCode).toBe(200);
    expect((await me(b.cookie)).statusCode).toBe(401);
    expect((await login('ada', PASSWORD)).statusCode).toBe(401);
    expect((await login('ada', 'another long password')).statusCode).toBe(200);
  });

  it('writes each change and its audit line in one transaction, and the audit log refuses to be changed', async () => {
    const created = (await master.app.inject({ method: 'POST', url: '/api/v1/plans', payload: plan('audited') })).json<PlanResource>();
    await master.app.inject({ method: 'PUT', url: `/api/v1/plans/${created.id}`, payload: plan('audited, renamed') });
    await master.app.inject({ method: 'DELETE', url: `/api/v1/plans/${created.id}` });
    const events = await audit(`subjectId=${created.id}`);
    expect(events.map((e) => [e.action, e.actor, e.via, e.details.name])).toEqual([
      ['plan.deleted', 'admin', 'token', 'audited, renamed'],
      ['plan.changed', 'admin', 'token', 'audited, renamed'],
      ['plan.created', 'admin', 'token', 'audited'],
    ]);
    expect(events[0]?.ip).toBe('127.0.0.1');
    await expect(db.prisma.$executeRawUnsafe(`UPDATE audit_events SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    // Pages: newest first, a cursor to the next.
    const first = (await master.app.inject({ method: 'GET', url: '/api/v1/audit?limit=2' })).json<AuditPage>();
    expect(first.items).toHaveLength(2);
    const second = (await master.app.inject({ method: 'GET', url: `/api/v1/audit?limit=2&cursor=${first.nextCursor!}` })).json<AuditPage>();
    expect(Number(second.items[0]!.id)).toBeLessThan(Number(first.items[1]!.id));
    expect((await master.app.inject({ method: 'GET', url: '/api/v1/audit?since=yesterday' })).statusCode).toBe(400);
  });

  it('never writes a token or a password to the audit log or the log', async () => {
    const everything = JSON.stringify((await master.app.inject({ method: 'GET', url: '/api/v1/audit?limit=500' })).json<AuditPage>().items);
    const log = logLines.join('\n');
    for (const secret of [PASSWORD, adminHeaders.authorization.slice('Bearer lt_'.length)]) {
      expect(everything).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    const tokens = await db.prisma.apiToken.findMany();
    for (const t of tokens) expect(log).not.toContain(t.secretHash);
  });
});

describe('the first start (real PostgreSQL)', () => {
  let db: TestDatabase;
  const masters: Master[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);

  afterAll(async () => {
    for (const m of masters) await m.app.close();
    await db?.drop();
  }, 60_000);

  it('creates an admin and a one-time login link; the link works once; a restart without a password makes another', async () => {
    const first = await buildMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: null });
    masters.push(first);
    expect(first.loginLinkSecret).toMatch(/^ltl_[A-Za-z0-9_-]{43}$/);
    const use = () => first.app.inject({ method: 'POST', url: '/api/v1/auth/login-link', payload: { token: first.loginLinkSecret } });
    const used = await use();
    withMessage(used.body, () => expect(used.statusCode).toBe(200));
    expect(used.json<Principal>().user).toMatchObject({ username: 'admin', role: 'admin' });
    expect((await use()).statusCode).toBe(401);
    const second = await buildMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: null });
    masters.push(second);
    expect(second.loginLinkSecret).not.toBeNull();
    expect(second.loginLinkSecret).not.toBe(first.loginLinkSecret);
  });

  it('takes LOADTEST_ADMIN_PASSWORD on an empty database, and then prints no link', async () => {
    const empty = await createTestDatabase();
    try {
      const m = await buildMaster({
        prisma: empty.prisma,
        transport: new InProcessHub(silent),
        logger: silent,
        dashboardDir: null,
        bootstrap: { adminPassword: PASSWORD },
      });
      masters.push(m);
      expect(m.loginLinkSecret).toBeNull();
      const response = await m.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: PASSWORD } });
      withMessage(response.body, () => expect(response.statusCode).toBe(200));
      await m.app.close();
      masters.pop();
    } finally {
      await empty.drop();
    }
  });

  it('limits logins per client: 429 with Retry-After', async () => {
    const m = await buildMaster({
      prisma: db.prisma,
      transport: new InProcessHub(silent),
      logger: silent,
      dashboardDir: null,
      security: { loginRateLimitPerMinute: 3 },
    });
    masters.push(m);
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 5; i++) {
      const response = await m.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: `guess number ${i}` },
      });
      statuses.push(response.statusCode);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
