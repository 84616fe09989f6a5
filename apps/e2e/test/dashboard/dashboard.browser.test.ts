import type { PlanResource, RangeSummary, RunResource, Timeline, WorkerList } from '@loadtest/protocol';
import type { TargetServer } from '@loadtest/target';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { api, runInState, sleep, until } from '../harness.js';
import { SCREENSHOTS, startDashboardStack, type DashboardStack } from './dashboard-stack.js';
/** The figures as the dashboard writes them (apps/dashboard/src/format/figures.ts). */
const count = (n: number) => n.toLocaleString('en-US');
const latency = (micros: number | undefined) => (micros === undefined ? '–' : `${(micros / 1000).toFixed(2)} ms`);

/**
 * The dashboard in a real Chromium, served by a real master started as the README says (`npm start`: embedded
 * PostgreSQL, in-process transport), with 2 local workers, against tools/target. What the pages show is
 * compared with the API's own answers.
 */
describe('dashboard in Chromium, on npm start (embedded default)', () => {
  let stack: DashboardStack;
  let base: string;
  let target: TargetServer;
  let page: Page;
  let planId: string;
  let pageErrors: string[];

  beforeAll(async () => {
    stack = await startDashboardStack(2);
    ({ base, target, page, pageErrors } = stack);
    const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
      name: 'dashboard',
      baseUrl: target.url,
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    expect(plan.status).toBe(201);
    planId = plan.body.id;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const startRun = async (body: object): Promise<RunResource> => {
    // A run is refused (409) while a worker is still busy with the previous one: wait for both to be idle.
    await stack.idleWorkers();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${planId}/runs`, body);
    expect(started.status).toBe(201);
    return started.body;
  };
  const figure = (name: string) => page.locator(`[data-figure="${name}"] dd`);
  const chartPoints = async (title: string) => Number(await page.locator(`[data-chart="${title}"]`).getAttribute('data-points'));

  it('the workers page lists every worker the API lists, in its state', async () => {
    await page.goto(`${base}/workers`);
    const workers = (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body.items;
    expect(workers).toHaveLength(2);
    for (const worker of workers) {
      await page.locator(`[data-worker="${worker.id}"] [data-field="state"]`).getByText(worker.state).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('[data-testid="workers-table"] tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'workers.png') });
  });

  it('a run launched from the form (checked as you type, planned load drawn): live charts gain a point each second, final figures are the API’s', async () => {
    await stack.idleWorkers();
    await page.goto(`${base}/runs`);
    await page.getByLabel('Plan', { exact: true }).selectOption({ label: 'dashboard' });
    await page.getByRole('link', { name: 'Launch a run' }).click();
    await page.getByLabel('Executor', { exact: true }).selectOption('constant-arrival-rate');
    await page.getByLabel('Rate', { exact: true }).fill('50');
    await page.getByLabel('Duration', { exact: true }).fill('10');
    await page.getByLabel('Max VUs', { exact: true }).fill('10');
    // A field the master would refuse is named where it is typed, with the master's own message, and blocks the start.
    await page.getByLabel('Rate', { exact: true }).fill('fast');
    await page.locator('[data-error-for="scenarios[0].rate"]').waitFor();
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await page.getByLabel('Rate', { exact: true }).fill('50');
    await page.getByRole('button', { name: 'Add a threshold' }).click();
    await page.getByLabel('Threshold 1', { exact: true }).fill('p95 < 1s');
    expect(await page.locator('[data-error-for="thresholds[0].expression"]').textContent()).toContain('unknown metric');
    await page.getByLabel('Threshold 1', { exact: true }).fill('p(95) < 1s');
    // The planned load, from libs/execution: 50 arrivals/s for seconds 0–9, then none (second 10).
    await until(async () => (await chartPoints('Planned load')) === 11, 5_000, 'the planned load drawn');
    expect(await page.getByTestId('capacity').textContent()).toContain('2 idle workers');
    await page.screenshot({ path: join(SCREENSHOTS, 'launch.png'), fullPage: true });
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const run = { id: page.url().split('/').at(-1)! };
    const stored = (await api<RunResource>(base, 'GET', `/api/v1/runs/${run.id}`)).body;
    expect(stored.load.scenarios).toEqual([expect.objectContaining({ executor: 'constant-arrival-rate', rate: 50, duration: 10, maxVUs: 10 })]);
    expect(stored.thresholds).toEqual([expect.objectContaining({ expression: 'p(95) < 1s' })]);
    await page.getByRole('heading', { name: `Run ${run.id.slice(0, 8)}` }).waitFor();
    // Live: the chart's points grow while the run is running (one per second; a busy machine may batch two).
    await until(async () => (await chartPoints('Requests per second')) >= 2, 20_000, 'two seconds on the live chart');
    const before = await chartPoints('Requests per second');
    await until(async () => (await chartPoints('Requests per second')) > before, 10_000, 'a new second on the live chart');
    await page.screenshot({ path: join(SCREENSHOTS, 'run-live.png') });

    const ended = await runInState(base, run.id, 'finished', 60_000);
    await page.getByTestId('run-state').getByText('finished').waitFor({ timeout: 15_000 });
    const summary = ended.summary!;
    await until(async () => (await figure('Requests').textContent()) === count(summary.requests), 10_000, 'the final request count');
    expect(await figure('p95').textContent()).toBe(latency(summary.latencyMicros?.p95));
    expect(await figure('p99').textContent()).toBe(latency(summary.latencyMicros?.p99));
    expect(await figure('Errors').textContent()).toBe(count(summary.errorCount));
    // 10 s at 50/s: every second of the run is on the chart once it has ended (the stored timeline).
    await until(async () => (await chartPoints('Requests per second')) >= 10, 10_000, 'the whole timeline on the chart');
    // The workers measured their VUs in progress each second, and the page draws them.
    const timeline = (await api<Timeline>(base, 'GET', `/api/v1/runs/${run.id}/timeline`)).body;
    expect(timeline.points.filter((p) => p.vus === null)).toEqual([]);
    expect(await chartPoints('VUs in progress, and planned')).toBe(timeline.points.length);
    await page.screenshot({ path: join(SCREENSHOTS, 'run.png'), fullPage: true });
  }, 120_000);

  it('a run the workers cannot hold: the form warns, and the master’s 409 is shown as the refusal it is', async () => {
    const capacity = (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body.items.reduce((sum, w) => sum + (w.capabilities?.maxConnections ?? 0), 0);
    await page.goto(`${base}/plans/${planId}/launch`);
    await page.getByLabel('VUs', { exact: true }).fill(String(Math.min(capacity + 1, 100_000)));
    await page.getByLabel('Duration', { exact: true }).fill('5');
    await page.getByText('More connections than the idle workers hold').waitFor();
    const before = (await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items.length;
    await page.getByRole('button', { name: 'Start run' }).click();
    const refused = page.getByTestId('launch-refused');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toMatch(/^409: /);
    expect(page.url()).toContain('/launch');
    expect((await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items.length).toBe(before);
  });

  it('a range of seconds, typed or dragged on a chart, shows the exact summary the API gives for it', async () => {
    const runs = (await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items;
    const run = runs.find((r) => r.state === 'finished')!;
    await page.goto(`${base}/runs/${run.id}`);
    const rangeFigure = (name: string) => page.locator(`[data-range-figure="${name}"] dd`);
    const expectRangeShown = async (from: number, to: number) => {
      const expected = (await api<RangeSummary>(base, 'GET', `/api/v1/runs/${run.id}/summary?from=${from}&to=${to}`)).body.summary;
      await page.locator(`[data-testid="range-summary"][data-from="${from}"][data-to="${to}"]`).waitFor({ timeout: 10_000 });
      expect(await rangeFigure('Requests').textContent()).toBe(count(expected.requests));
      expect(await rangeFigure('p95').textContent()).toBe(latency(expected.latencyMicros?.p95));
      expect(await rangeFigure('p99').textContent()).toBe(latency(expected.latencyMicros?.p99));
      expect(await rangeFigure('Max').textContent()).toBe(latency(expected.latencyMicros?.max));
      return expected;
    };
    // Seconds 2–5 typed (the keyboard way).
    await page.getByLabel('From second').fill('2');
    await page.getByLabel('to second').fill('5');
    await page.getByRole('button', { name: 'Summarise' }).click();
    const typed = await expectRangeShown(2, 6);
    // 4 seconds at 50/s: 200 requests, give or take the requests at a second's edge.
    expect(typed.requests).toBeGreaterThan(150);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-range.png'), fullPage: true });
    // Dragged across the latency chart from second 5.6 to 8.4: seconds 6–8, on every chart.
    const plot = page.locator('[data-chart="Latency"] .u-over');
    const box = (await plot.boundingBox())!;
    // The x scale runs from second 0 to the last point's (the timeline's seconds are contiguous from 0).
    const lastSecond = (await chartPoints('Latency')) - 1;
    const xOf = (second: number) => box.x + (second / lastSecond) * box.width;
    await page.mouse.move(xOf(5.6), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(xOf(8.4), box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expectRangeShown(6, 9);
    expect(await page.getByLabel('From second').inputValue()).toBe('6');
    expect(await page.getByLabel('to second').inputValue()).toBe('8');
  }, 60_000);

  it('the runs page lists the plan’s runs with the API’s figures', async () => {
    const runs = (await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items;
    await page.goto(`${base}/runs`);
    for (const run of runs) {
      const row = page.locator(`[data-run="${run.id}"]`);
      await row.waitFor();
      if (run.summary) expect(await row.locator('[data-field="requests"]').textContent()).toBe(count(run.summary.requests));
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'runs.png') });
    // Filtered by state: the rows are the API's answer to the same filter.
    await page.getByLabel('State', { exact: true }).selectOption('finished');
    const finished = (await api<{ items: RunResource[] }>(base, 'GET', '/api/v1/runs?state=finished')).body.items;
    await until(async () => (await page.locator('[data-testid="runs-table"] tbody tr').count()) === finished.length, 10_000, 'the finished runs only');
    for (const run of finished) await page.locator(`[data-run="${run.id}"]`).waitFor();
  });

  it('the stop button stops a run: the target receives its last request within 1 s of the click', async () => {
    const run = await startRun({ scenarios: [{ name: 'long', executor: 'constant-arrival-rate', rate: 50, duration: 60, maxVUs: 10 }] });
    await page.goto(`${base}/runs/${run.id}`);
    await runInState(base, run.id, 'running', 30_000);
    await until(() => target.stats().served > 50, 20_000, 'the run reaching the target');
    // Watch what the target receives from before the click: the last request must come within 1 s of it.
    let served = target.stats().served;
    let lastArrivalAt = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const now = target.stats().served;
        if (now !== served) {
          served = now;
          lastArrivalAt = Date.now();
        }
        await sleep(10);
      }
    })();
    const clickedAt = Date.now();
    await page.getByRole('button', { name: 'Stop run' }).click();
    await sleep(2500);
    watching = false;
    await watcher;
    lastArrivalAt = Math.max(lastArrivalAt, clickedAt);
    process.stdout.write(`stop button: last request at the target ${lastArrivalAt - clickedAt} ms after the click\n`);
    expect(lastArrivalAt - clickedAt).toBeLessThanOrEqual(1000);
    await runInState(base, run.id, 'stopped', 30_000);
    await page.getByTestId('run-state').getByText('stopped').waitFor({ timeout: 15_000 });
    expect(target.stats().served).toBe(served);
  }, 120_000);

  it('compares two runs: each figure is the API’s, with its change against the baseline', async () => {
    const runs = (await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items.filter((r) => r.summary);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const [first, second] = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    await page.goto(`${base}/runs`);
    await page.getByLabel(`Compare run ${first!.id.slice(0, 8)}`).check();
    await page.getByLabel(`Compare run ${second!.id.slice(0, 8)}`).check();
    await page.getByRole('button', { name: 'Compare selected (2)' }).click();
    await page.getByRole('heading', { name: 'Compare 2 runs' }).waitFor();
    for (const run of [first!, second!]) {
      const stored = (await api<RunResource>(base, 'GET', `/api/v1/runs/${run.id}`)).body.summary!;
      expect(await page.locator(`[data-metric="p95"] [data-run="${run.id}"] [data-field="value"]`).textContent()).toBe(latency(stored.latencyMicros?.p95));
      expect(await page.locator(`[data-metric="p99"] [data-run="${run.id}"] [data-field="value"]`).textContent()).toBe(latency(stored.latencyMicros?.p99));
    }
    // The second run's p95 is marked better, worse or the same as the baseline's, as its numbers say.
    const baselineP95 = first!.summary!.latencyMicros!.p95;
    const p95 = (await api<RunResource>(base, 'GET', `/api/v1/runs/${second!.id}`)).body.summary!.latencyMicros!.p95;
    const expected = Math.abs(p95 - baselineP95) <= 0.01 * baselineP95 ? 'same' : p95 < baselineP95 ? 'better' : 'worse';
    expect(await page.locator(`[data-metric="p95"] [data-run="${second!.id}"] [data-direction]`).getAttribute('data-direction')).toBe(expected);
    expect(await page.locator('[data-chart="p95 latency, by run"]').getAttribute('data-points')).not.toBe('0');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare.png'), fullPage: true });
  }, 60_000);

  it('every page fits 1280×800 and 1920×1080 without scrolling sideways, in light and dark', async () => {
    const runs = (await api<{ items: RunResource[] }>(base, 'GET', `/api/v1/plans/${planId}/runs`)).body.items;
    const pages = ['/runs', `/runs/${runs[0]!.id}`, `/plans/${planId}/launch`, `/compare?runs=${runs.map((r) => r.id).join(',')}`, '/workers'];
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      for (const path of pages) {
        await page.goto(`${base}${path}`);
        await page.locator('main h1').first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect({ path, viewport, overflow }).toEqual({ path, viewport, overflow: 0 });
      }
    }
    // The theme switch is a labelled button, reachable from the keyboard, and it is remembered.
    await page.getByRole('button', { name: /Switch to the (dark|light) theme/ }).focus();
    const before = await page.evaluate(() => document.documentElement.classList.contains('dark'));
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(!before);
    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(!before);
    await page.screenshot({ path: join(SCREENSHOTS, 'workers-dark.png') });
  }, 60_000);
});
