import type { AuditPage, ErrorBody, PlanResource, User } from '@loadtest/protocol';
import { chromiumLaunchOptions, freePort } from '@loadtest/process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, startCommand, type RunningProcess } from '../harness.js';
import { ADMIN_PASSWORD, logInThroughPage, SCREENSHOTS, startDashboardStack, watchPage, type DashboardStack } from './dashboard-stack.js';

const VIEWER = { username: 'vera', password: 'vera-viewer-password-42' };

/**
 * Logging in to the dashboard in a real Chromium, on `npm start` started with a first admin (LOADTEST_ADMIN_PASSWORD)
 * and an admin token: the login page, wrong passwords, returning where the user was going, what a viewer is not
 * offered, and the admin's audit log and tokens.
 */
describe('dashboard login and roles in Chromium, on npm start (embedded default)', () => {
  let stack: DashboardStack;
  let base: string;
  /** A page of its own browser context: no session until a test logs it in. */
  let fresh: Page;

  beforeAll(async () => {
    stack = await startDashboardStack(1);
    base = stack.base;
    fresh = await stack.newPage();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  afterEach(() => {
    expect(stack.pageErrors.splice(0)).toEqual([]);
  });

  it('nobody logged in: a page of the dashboard shows the login page instead, and the API answers 401', async () => {
    await fresh.goto(`${base}/workers`);
    await fresh.waitForURL(`${base}/login?next=%2Fworkers`, { timeout: 10_000 });
    await fresh.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await fresh.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await fresh.getByLabel('Username', { exact: true }).isVisible()).toBe(true);
    expect(await fresh.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    expect((await api(base, 'GET', '/api/v1/workers', undefined, { authorization: '' })).status).toBe(401);
    await fresh.screenshot({ path: join(SCREENSHOTS, 'login.png') });
  });

  it('a wrong password: the page shows the API’s own message and stays on the login page', async () => {
    const refused = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'not-the-password' }),
    });
    expect(refused.status).toBe(401);
    const { message } = (await refused.json()) as ErrorBody;
    await fresh.getByLabel('Username', { exact: true }).fill('admin');
    await fresh.getByLabel('Password', { exact: true }).fill('still-not-the-password');
    await fresh.getByRole('button', { name: 'Log in' }).click();
    const alert = fresh.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toBe(message);
    expect(new URL(fresh.url()).pathname).toBe('/login');
  });

  it('the right password: back to where the user was going, their name and role in the header; logging out ends the session', async () => {
    await fresh.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await fresh.getByRole('button', { name: 'Log in' }).click();
    await fresh.waitForURL(`${base}/workers`, { timeout: 10_000 });
    await fresh.getByRole('heading', { name: 'Workers' }).waitFor();
    expect(await fresh.getByTestId('current-user').textContent()).toBe('admin');
    expect(await fresh.getByTestId('current-role').textContent()).toBe('admin');
    // The session lasts over a reload (GET /auth/me).
    await fresh.reload();
    await fresh.getByTestId('current-user').waitFor();
    await fresh.getByRole('button', { name: 'Log out' }).click();
    await fresh.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
    await fresh.goto(`${base}/runs`);
    await fresh.waitForURL(`${base}/login?next=%2Fruns`, { timeout: 10_000 });
  });

  it('a viewer (made with the admin token) sees the runs but is offered no "New plan", no "Launch", no admin page', async () => {
    const created = await api<User>(base, 'POST', '/api/v1/users', { username: VIEWER.username, role: 'viewer', password: VIEWER.password });
    expect(created.status).toBe(201);
    const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
      name: 'viewer can see',
      baseUrl: stack.target.url,
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    expect(plan.status).toBe(201);
    const viewer = await stack.newPage();
    await logInThroughPage(viewer, base, VIEWER.username, VIEWER.password);
    await viewer.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await viewer.getByTestId('current-role').textContent()).toBe('viewer');
    const nav = viewer.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Runs' }).count()).toBe(1);
    for (const name of ['New plan', 'Audit', 'Access']) expect(await nav.getByRole('link', { name }).count()).toBe(0);
    // Choosing a plan offers an operator "Launch a run" and "Edit the plan": a viewer, neither.
    await viewer.getByLabel('Plan', { exact: true }).selectOption({ label: 'viewer can see' });
    await viewer.getByText('No run matches.').waitFor();
    expect(await viewer.getByRole('link', { name: 'Launch a run' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Edit the plan' }).count()).toBe(0);
    // Typed by hand, the launch page says why instead of offering a start the master would refuse.
    await viewer.goto(`${base}/plans/${plan.body.id}/launch`);
    await viewer.getByText('This page needs the operator role; you are logged in as viewer.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Start run' }).count()).toBe(0);
    await viewer.close();
  });

  it('the admin’s audit log lists the logins, the failed one too, and filters by action', async () => {
    const { page } = stack;
    await page.goto(`${base}/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const logins = page.locator('[data-testid="audit-table"] tr[data-action="login"]');
    await logins.first().waitFor({ timeout: 10_000 });
    // The API's own count of the page the table shows.
    const logged = (await api<AuditPage>(base, 'GET', '/api/v1/audit?limit=50')).body;
    expect(await page.locator('[data-testid="audit-table"] tbody tr').count()).toBe(logged.items.length);
    const actors = await logins.locator('[data-field="actor"]').allTextContents();
    expect(actors).toEqual(expect.arrayContaining(['admin', VIEWER.username]));
    expect(await page.locator('tr[data-action="login.failed"]').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'audit.png'), fullPage: true });
    await page.getByLabel('Action', { exact: true }).selectOption('login.failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The unfiltered table goes, then the filtered one comes.
    await page.locator('[data-testid="audit-table"] tr[data-action="login"]').first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid="audit-table"] tr[data-action="login.failed"]').first().waitFor({ timeout: 10_000 });
    const actions = await page.locator('[data-testid="audit-table"] [data-field="action"]').allTextContents();
    expect(new Set(actions)).toEqual(new Set(['login.failed']));
  });

  it('an admin makes an API token: shown once, it works as a bearer token until revoked on the Access page', async () => {
    const { page } = stack;
    await page.goto(`${base}/access`);
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('e2e-ci');
    await page.getByLabel('Expires in (days)', { exact: true }).fill('7');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByLabel('New API token');
    await shown.waitFor({ timeout: 10_000 });
    const token = await shown.inputValue();
    expect(token).toMatch(/^lt_[A-Za-z0-9_-]{43,}$/);
    const me = (authorization: string) => fetch(`${base}/api/v1/auth/me`, { headers: { authorization } });
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('New API token').count()).toBe(0);
    const row = page.locator('tr[data-token="e2e-ci"]');
    expect(await row.locator('[data-field="state"]').textContent()).toBe('active');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke e2e-ci' }).click();
    await row.locator('[data-field="state"]').getByText('revoked').waitFor({ timeout: 10_000 });
    expect((await me(`Bearer ${token}`)).status).toBe(401);
  });
});

/**
 * A master's very first start with neither LOADTEST_ADMIN_PASSWORD nor LOADTEST_ADMIN_TOKEN: it prints a one-time
 * login link, `…/login#once=<secret>`, which the dashboard exchanges for a session; a second use is refused.
 */
describe('the one-time login link in Chromium, on a first npm start', () => {
  let master: RunningProcess;
  let browser: Browser;
  let dataDir: string;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dashboard-e2e-link-'));
    await chmod(dataDir, 0o755);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    master = startCommand('npm start (login link)', 'npm', ['start'], {
      PORT: String(port),
      LOADTEST_DATA_DIR: dataDir,
      LOCAL_WORKERS: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
      AMQP_URL: '',
      // Empty is unset: no first password, no token, so the master offers the link.
      LOADTEST_ADMIN_PASSWORD: '',
      LOADTEST_ADMIN_TOKEN: '',
    });
    await master.waitForLog((r) => r.msg === 'master ready', 90_000);
    browser = await chromium.launch({ ...chromiumLaunchOptions() });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await master?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('the printed link logs the admin in and leaves no secret in the address bar; used again, the API’s refusal is shown', async () => {
    const printed = await master.waitForLog((r) => typeof r.loginUrl === 'string', 10_000);
    const link = String(printed.loginUrl);
    expect(link).toMatch(new RegExp(`^${base}/login#once=.+`));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watchPage(page, pageErrors);
    await page.goto(link);
    await page.waitForURL(`${base}/runs`, { timeout: 15_000 });
    expect(await page.getByTestId('current-user').textContent()).toBe('admin');
    expect(await page.getByTestId('current-role').textContent()).toBe('admin');
    expect(await page.evaluate(() => window.location.hash)).toBe('');

    const again = await browser.newPage();
    watchPage(again, pageErrors);
    await again.goto(link);
    const alert = again.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    const refused = await fetch(`${base}/api/v1/auth/login-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link.split('#once=')[1] }),
    });
    expect(refused.status).toBe(401);
    expect(await alert.textContent()).toBe(((await refused.json()) as ErrorBody).message);
    expect(new URL(again.url()).pathname).toBe('/login');
    expect(await again.evaluate(() => window.location.hash)).toBe('');

    // The newcomer gives themselves a password on the Access page, stays logged in, and can log in with it later.
    await page.goto(`${base}/access`);
    const form = page.getByRole('form', { name: 'Set a password' });
    await form.getByLabel('New password').fill('the newcomer password');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByRole('status').waitFor({ timeout: 10_000 });
    expect(await form.getByRole('status').textContent()).toBe('Password set for admin.');
    expect(await page.getByTestId('current-user').textContent()).toBe('admin');
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'the newcomer password' }),
    });
    expect(login.status).toBe(200);
  });
});
