import { describe, expect, it } from '@jest/globals';
import type { ApiToken, AuditEvent, AuditPage as AuditPageBody, User } from '@loadtest/protocol';
import { renderToStaticMarkup } from 'react-dom/server';
import { keys } from '../src/api/queries.js';
import { AccessPage } from '../src/access/access-page.js';
import { NewTokenNotice } from '../src/access/new-token-notice.js';
import { tokenStatus } from '../src/access/token-status.js';
import { AuditPage } from '../src/audit/audit-page.js';
import { instantOfLocalInput } from '../src/audit/date-input.js';
import { summariseDetails } from '../src/audit/details-summary.js';
import { principalOf, renderAt } from './support/render-at.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const admin = principalOf('admin', 'admin');
const signedIn = { status: 'signed-in' as const, principal: admin };

const event = (id: string, action: AuditEvent['action'], details: Record<string, unknown> = {}): AuditEvent => ({
  id,
  at: '2026-12-03T10:00:00.000Z',
  action,
  actor: action === 'login.failed' ? null : 'admin',
  actorId: action === 'login.failed' ? null : admin.user.id,
  via: action === 'login.failed' ? null : 'password',
  ip: '127.0.0.1',
  subjectType: action === 'user.changed' ? 'user' : null,
  subjectId: action === 'user.changed' ? '22222222-2222-4222-8222-222222222222' : null,
  details,
});

/** The audit page's first (unfiltered) page, as the query cache holds an infinite query. */
const auditCache = (page: AuditPageBody): [readonly unknown[], unknown] => [
  [...keys.audit, undefined, undefined, undefined, undefined, 50],
  { pages: [page], pageParams: [undefined] },
];

describe('the audit page', () => {
  it('lists each event with its time, actor, via, action, subject, address and details, and offers the next page', () => {
    const html = renderAt(
      <AuditPage />,
      '/audit',
      '/audit',
      [auditCache({ items: [event('e2', 'user.changed', { role: 'operator' }), event('e1', 'login')], nextCursor: '41' })],
      signedIn,
    );
    const row = (id: string) => text(html.slice(html.indexOf(`data-event="${id}"`), html.indexOf('</tr>', html.indexOf(`data-event="${id}"`))));
    expect(row('e1')).toMatch(/admin password login – 127\.0\.0\.1/);
    expect(row('e2')).toContain('user.changed user 22222222');
    expect(row('e2')).toContain('role: operator');
    expect(html).toMatch(/<button[^>]*>Load more<\/button>/);
    for (const label of ['Action', 'Actor', 'Since', 'Until']) expect(html).toMatch(new RegExp(`<label for="audit-[a-z]+"[^>]*>${label}</label>`));
    expect(html).toContain('<option value="login.failed">login.failed</option>');
  });

  it('has no "Load more" on the last page, and says when nothing matches', () => {
    const last = renderAt(<AuditPage />, '/audit', '/audit', [auditCache({ items: [event('e1', 'login')], nextCursor: null })], signedIn);
    expect(last).not.toContain('Load more');
    const none = renderAt(<AuditPage />, '/audit', '/audit', [auditCache({ items: [], nextCursor: null })], signedIn);
    expect(text(none)).toContain('No event matches.');
  });

  it('summarises details on one line, cut when long', () => {
    expect(summariseDetails({ hosts: ['a.example', 'b.example'], peakVUs: 50, ok: true, nested: { x: 1 } })).toBe(
      'hosts: a.example, b.example; peakVUs: 50; ok: true; nested: {"x":1}',
    );
    const long = summariseDetails({ text: 'x'.repeat(500) }, 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
  });

  it('sends since/until as ISO instants', () => {
    expect(instantOfLocalInput('')).toBeUndefined();
    expect(instantOfLocalInput('nonsense')).toBeUndefined();
    expect(instantOfLocalInput('2026-12-03T10:30')).toBe(new Date(2026, 11, 3, 10, 30).toISOString());
  });
});

const user = (id: string, username: string, role: User['role'], extra: Partial<User> = {}): User => ({
  id,
  username,
  role,
  hasPassword: true,
  disabled: false,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});
const token = (id: string, name: string, extra: Partial<ApiToken> = {}): ApiToken => ({
  id,
  name,
  userId: admin.user.id,
  username: 'admin',
  prefix: 'lt_AbCd',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2999-01-01T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  ...extra,
});

describe('the access page', () => {
  const viewerId = '33333333-3333-4333-8333-333333333333';
  const html = renderAt(
    <AccessPage />,
    '/access',
    '/access',
    [
      [keys.users, { items: [user(admin.user.id, 'admin', 'admin'), user(viewerId, 'vera', 'viewer', { disabled: true, hasPassword: false })] }],
      [keys.tokens, { items: [token('t1', 'ci'), token('t2', 'old', { revokedAt: '2026-12-02T00:00:00.000Z', lastUsedAt: '2026-12-02T00:00:00.000Z' })] }],
    ],
    signedIn,
  );
  const row = (attribute: string) => text(html.slice(html.indexOf(attribute), html.indexOf('</tr>', html.indexOf(attribute))));

  it('lists users; another user’s role can be changed and they can be enabled, your own row is left alone', () => {
    expect(row('data-user="admin"')).toContain('admin (you)');
    expect(row('data-user="admin"')).not.toContain('Disable');
    expect(html).not.toContain('aria-label="Role of admin"');
    expect(html).toContain('aria-label="Role of vera"');
    expect(row('data-user="vera"')).toContain('none (tokens only)');
    expect(row('data-user="vera"')).toContain('disabled');
    expect(row('data-user="vera"')).toContain('Enable vera');
  });

  it('lists tokens by prefix with their state; only a live one can be revoked', () => {
    expect(row('data-token="ci"')).toContain('lt_AbCd…');
    expect(row('data-token="ci"')).toContain('never');
    expect(row('data-token="ci"')).toContain('active');
    expect(row('data-token="ci"')).toContain('Revoke ci');
    expect(row('data-token="old"')).toContain('revoked');
    expect(row('data-token="old"')).not.toContain('Revoke');
  });

  it('has forms for a new user (role, password) and a new token (name, days)', () => {
    const shown = text(html);
    for (const label of ['New user', 'Username', 'Role', 'Password', 'Create user', 'New token', 'Name', 'For user', 'Expires in (days)', 'Create token'])
      expect(shown).toContain(label);
    expect(html).toMatch(/type="number" min="1" max="3650"[^>]*value="90"/);
  });

  it('sets a password for any user, yourself first (the newcomer from the one-time link)', () => {
    const form = html.slice(html.indexOf('aria-labelledby="password-title"'), html.indexOf('</form>', html.indexOf('aria-labelledby="password-title"')));
    expect(text(form)).toContain('Set a password');
    expect(form).toMatch(new RegExp(`<option value="${admin.user.id}" selected="">admin \\(you\\)</option>`));
    expect(text(form)).toContain('vera');
    expect(form).toMatch(/type="password"[^>]*required=""[^>]*minLength="12"|type="password"[^>]*minLength="12"[^>]*required=""/i);
  });
});

describe('a new token', () => {
  it('is shown once, with a copy button and a warning', () => {
    const created = { ...token('t3', 'deploy'), token: 'lt_' + 'A'.repeat(43) };
    const html = renderToStaticMarkup(<NewTokenNotice created={created} onDone={() => undefined} />);
    expect(html).toContain(`value="${created.token}"`);
    expect(html).toMatch(/<button[^>]*>Copy<\/button>/);
    expect(text(html)).toContain('it is shown only this once');
  });

  it('reads as revoked, expired or active', () => {
    const now = new Date('2026-12-03T00:00:00.000Z');
    expect(tokenStatus({ revokedAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z' }, now)).toBe('revoked');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-12-03T00:00:00.000Z' }, now)).toBe('expired');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-12-04T00:00:00.000Z' }, now)).toBe('active');
  });
});
