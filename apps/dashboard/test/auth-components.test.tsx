import { describe, expect, it } from '@jest/globals';
import type { PlanResource, RunResource, WorkerList } from '@loadtest/protocol';
import { renderToStaticMarkup } from 'react-dom/server';
import { keys } from '../src/api/queries.js';
import { LoginPage } from '../src/auth/login-page.js';
import { LoginView } from '../src/auth/login-view.js';
import { RequireRole } from '../src/auth/require-role.js';
import { MainNav } from '../src/components/main-nav.js';
import { UserMenu } from '../src/auth/user-menu.js';
import { LaunchPage } from '../src/launch/launch-page.js';
import { RunPage } from '../src/pages/run-page.js';
import { RunsPage } from '../src/pages/runs-page.js';
import { principalOf, renderAt } from './support/render-at.js';

const noop = () => undefined;
const as = (role: 'viewer' | 'operator' | 'admin') => ({ status: 'signed-in' as const, principal: principalOf(role) });
/** The visible text of some HTML: what a user reads, without the tags. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the login form', () => {
  it('has labelled username and password fields and a ready button', () => {
    const html = renderToStaticMarkup(<LoginView submitting={false} linkPending={false} error={null} onSubmit={noop} />);
    expect(html).toMatch(/<label for="login-username"[^>]*>Username<\/label>/);
    expect(html).toMatch(/<input id="login-username"[^>]*autoComplete="username"/i);
    expect(html).toMatch(/<label for="login-password"[^>]*>Password<\/label>/);
    expect(html).toMatch(/<input id="login-password"[^>]*type="password"/);
    expect(html).not.toContain('role="alert"');
    expect(html).toMatch(/<button type="submit"[^>]*>Log in<\/button>/);
    expect(html).not.toContain('disabled=""');
  });

  it('shows the API’s message as an alert', () => {
    const html = renderToStaticMarkup(<LoginView submitting={false} linkPending={false} error="wrong username or password" onSubmit={noop} />);
    expect(html).toMatch(/role="alert"[^>]*>wrong username or password</);
  });

  it('disables the button while a login is on its way', () => {
    const html = renderToStaticMarkup(<LoginView submitting linkPending={false} error={null} onSubmit={noop} />);
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Logging in…<\/button>/);
  });

  it('at /login#once=…, says it is logging in with the link and holds the form', () => {
    const html = renderAt(<LoginPage />, '/login#once=s3cret', '/login', [], { status: 'anonymous' });
    expect(text(html)).toContain('Logging in with the one-time link…');
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""/);
    const plain = renderAt(<LoginPage />, '/login?next=%2Fruns', '/login', [], { status: 'anonymous' });
    expect(text(plain)).not.toContain('one-time link');
    expect(plain).not.toContain('disabled=""');
  });
});

describe('the header', () => {
  const header = (role: 'viewer' | 'operator' | 'admin') => text(renderAt(<MainNav />, '/runs', '/runs', [], as(role)));

  it('shows who is logged in, their role and a way out', () => {
    const html = renderAt(<UserMenu />, '/runs', '/runs', [], as('operator'));
    expect(html).toMatch(/data-testid="current-user"[^>]*>operator-user</);
    expect(html).toMatch(/data-testid="current-role"[^>]*>operator</);
    expect(html).toMatch(/<button[^>]*>Log out<\/button>/);
  });

  it('offers a viewer no "New plan" and no admin pages', () => {
    const shown = header('viewer');
    expect(shown).toContain('Runs');
    expect(shown).not.toContain('New plan');
    expect(shown).not.toContain('Audit');
    expect(shown).not.toContain('Access');
  });

  it('offers an operator "New plan" but not the admin pages; an admin everything', () => {
    expect(header('operator')).toContain('New plan');
    expect(header('operator')).not.toContain('Audit');
    expect(header('admin')).toContain('New plan');
    expect(header('admin')).toContain('Audit');
    expect(header('admin')).toContain('Access');
  });

  it('shows no navigation before anyone logs in', () => {
    const shown = text(
      renderAt(
        <>
          <MainNav />
          <UserMenu />
        </>,
        '/login',
        '/login',
        [],
        { status: 'anonymous' },
      ),
    );
    expect(shown).not.toContain('Runs');
    expect(shown).not.toContain('Log out');
  });
});

const plan = {
  id: 'p1',
  name: 'checkout',
  baseUrl: 'http://127.0.0.1:1',
  steps: [{ kind: 'http', name: 'root', method: 'GET', path: '/' }],
  createdAt: '',
  updatedAt: '',
} as unknown as PlanResource;
const noWorkers: WorkerList = { items: [] };

describe('what a viewer is not offered', () => {
  it('the launch form: a viewer is told the page needs an operator, and sees no "Start run"', () => {
    const launch = (role: 'viewer' | 'operator') =>
      renderAt(
        <RequireRole role="operator">
          <LaunchPage />
        </RequireRole>,
        '/plans/p1/launch',
        '/plans/:id/launch',
        [
          [keys.plan('p1'), plan],
          [keys.workers, noWorkers],
        ],
        as(role),
      );
    const viewer = text(launch('viewer'));
    expect(viewer).toContain('This page needs the operator role; you are logged in as viewer.');
    expect(viewer).not.toContain('Start run');
    expect(text(launch('operator'))).toContain('Start run');
  });

  it('a running run’s "Stop run" button', () => {
    const running = {
      id: '11111111-1111-4111-8111-111111111111',
      planId: 'p1',
      state: 'running',
      verdict: null,
      summary: null,
      workers: [],
      thresholds: [],
      thresholdResults: [],
      load: { scenarios: [] },
      createdAt: '2026-12-03T00:00:00.000Z',
      startAt: null,
      endedAt: null,
      error: null,
    } as unknown as RunResource;
    const page = (role: 'viewer' | 'operator') =>
      text(
        renderAt(
          <RunPage />,
          `/runs/${running.id}`,
          '/runs/:id',
          [
            [keys.run(running.id), running],
            [keys.workers, noWorkers],
          ],
          as(role),
        ),
      );
    expect(page('operator')).toContain('Stop run');
    expect(page('viewer')).toContain(`Run ${running.id.slice(0, 8)}`);
    expect(page('viewer')).not.toContain('Stop run');
  });

  it('the runs page’s invitation to write the first plan', () => {
    const page = (role: 'viewer' | 'operator') => renderAt(<RunsPage />, '/runs', '/runs', [[keys.plans, { items: [] }]], as(role));
    expect(page('operator')).toContain('href="/plans/new"');
    expect(page('viewer')).not.toContain('href="/plans/new"');
    expect(text(page('viewer'))).toContain('No plan yet.');
  });
});
