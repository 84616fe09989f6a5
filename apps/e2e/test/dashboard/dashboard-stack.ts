import type { WorkerList } from '@loadtest/protocol';
import { chromiumLaunchOptions, freePort } from '@loadtest/process';
import { startTarget, type TargetServer } from '@loadtest/target';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, E2E_ADMIN_TOKEN, REPO_ROOT, startCommand, until, type RunningProcess } from '../harness.js';

export const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');

/** The first user's password (LOADTEST_ADMIN_PASSWORD): the master creates `admin` with it on its first start. */
export const ADMIN_PASSWORD = 'e2e-admin-password-0123';
/** The admin API token (LOADTEST_ADMIN_TOKEN) of every master the tests start: the harness's `api()` sends it. */
export const ADMIN_TOKEN = E2E_ADMIN_TOKEN;

/** Logs `page` in through the dashboard's login page, as a user does, and waits until it has left it. */
export async function logInThroughPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}

/** Collects a page's uncaught errors and Content-Security-Policy violations into `errors`. */
export function watchPage(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.stack ?? error.message}`));
  // A Content-Security-Policy violation is no page error: Chromium reports it on the console.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(`${page.url()}: ${message.text()}`);
  });
}

/** What a dashboard browser test drives: a real master started as the README says, its local workers, tools/target, a Chromium page. */
export interface DashboardStack {
  base: string;
  master: RunningProcess;
  target: TargetServer;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page (and of `newPage()`'s): a test that passes with one still fails (each test file checks it after each test). */
  pageErrors: string[];
  /** The admin API token the master was started with (the one the harness's `api()` sends). */
  adminToken: string;
  /** A page in a fresh browser context: no session cookie, nobody logged in. */
  newPage(): Promise<Page>;
  /** Waits until all `workers` local workers are online and idle (a run is refused while one is still busy). */
  idleWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `npm start` on its embedded default (embedded PostgreSQL, in-process transport) in a fresh data folder, with
 * `workers` local workers, tools/target, and Debian's Chromium through playwright-core; `env` adds to the master's
 * environment. The master starts with user `admin` (ADMIN_PASSWORD) and an admin token (ADMIN_TOKEN); the page is
 * logged in as `admin` through the login page.
 */
export async function startDashboardStack(workers: number, env: Record<string, string> = {}): Promise<DashboardStack> {
  const chromiumOptions = chromiumLaunchOptions();
  if (!existsSync(chromiumOptions.executablePath))
    throw new Error(`no Chromium at ${chromiumOptions.executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const dataDir = await mkdtemp(join(tmpdir(), 'dashboard-e2e-'));
  // Run as root, the embedded PostgreSQL runs as `postgres`, which must traverse the data folder.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const target = await startTarget();
  const master = startCommand('npm start', 'npm', ['start'], {
    PORT: String(port),
    LOADTEST_DATA_DIR: dataDir,
    LOCAL_WORKERS: String(workers),
    LOCAL_WORKER_THREADS: '1',
    LOG_LEVEL: 'info',
    DATABASE_URL: '',
    AMQP_URL: '',
    LOADTEST_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOADTEST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
  const idleWorkers = async () => {
    await until(
      async () => (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body.items.filter((w) => w.state === 'online').length === workers,
      30_000,
      `${workers} idle workers`,
    );
  };
  await master.waitForLog((r) => r.msg === 'master ready', 90_000);
  await idleWorkers();
  const browser = await chromium.launch({ ...chromiumOptions });
  const pageErrors: string[] = [];
  const newPage = async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watchPage(fresh, pageErrors);
    return fresh;
  };
  const page = await newPage();
  // The pages behind the login: every test starts from a logged-in admin, as a user would be after logging in.
  await logInThroughPage(page, base, 'admin', ADMIN_PASSWORD);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    base,
    master,
    target,
    browser,
    page,
    pageErrors,
    adminToken: ADMIN_TOKEN,
    newPage,
    idleWorkers,
    async stop() {
      await browser.close();
      await master.stop();
      await target.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
