import type { WorkerList } from '@loadtest/protocol';
import { chromiumLaunchOptions, freePort } from '@loadtest/process';
import { startTarget, type TargetServer } from '@loadtest/target';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, REPO_ROOT, startCommand, until, type RunningProcess } from '../harness.js';

export const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');

/** What a dashboard browser test drives: a real master started as the README says, its local workers, tools/target, a Chromium page. */
export interface DashboardStack {
  base: string;
  master: RunningProcess;
  target: TargetServer;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page: a test that passes with one still fails (each test file checks it after each test). */
  pageErrors: string[];
  /** Waits until all `workers` local workers are online and idle (a run is refused while one is still busy). */
  idleWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `npm start` on its embedded default (embedded PostgreSQL, in-process transport) in a fresh data folder, with
 * `workers` local workers, tools/target, and Debian's Chromium through playwright-core; `env` adds to the master's
 * environment.
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.stack ?? error.message}`));
  // A Content-Security-Policy violation is no page error: Chromium reports it on the console.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(`${page.url()}: ${message.text()}`);
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    base,
    master,
    target,
    browser,
    page,
    pageErrors,
    idleWorkers,
    async stop() {
      await browser.close();
      await master.stop();
      await target.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
