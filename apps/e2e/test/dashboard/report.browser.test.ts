import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlanResource, RunReport, RunResource } from '@loadtest/protocol';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { api, runInState } from '../harness.js';
import { SCREENSHOTS, startDashboardStack, watchPage, type DashboardStack } from './dashboard-stack.js';

/** The figures as the reports write them (libs/report/src/format.ts, the dashboard's rounding). */
const count = (n: number) => n.toLocaleString('en-US');
const latency = (micros: number | undefined) => (micros === undefined ? '–' : `${(micros / 1000).toFixed(2)} ms`);

/** A step name that is an HTML injection: the report must show it as text and run nothing. */
const HOSTILE_STEP = '<img src=x onerror=alert(1)>';

/** Each chart of a report page: its id, how many data marks (series paths, bars) it has, and the size they cover. */
function drawnCharts(page: Page) {
  return page.locator('figure.chart').evaluateAll((figures) =>
    figures.map((figure) => {
      const marks = Array.from(figure.querySelectorAll<SVGGraphicsElement>('g.series path, path.bar'));
      const boxes = marks.map((mark) => mark.getBBox());
      const svg = figure.querySelector('svg')!.getBoundingClientRect();
      return {
        chart: figure.getAttribute('data-chart'),
        marks: marks.length,
        widest: Math.max(0, ...boxes.map((b) => b.width)),
        tallest: Math.max(0, ...boxes.map((b) => b.height)),
        svgWidth: svg.width,
        svgHeight: svg.height,
      };
    }),
  );
}

/**
 * A finished run's HTML report in a real Chromium: reached from the run page's link (the session cookie sent),
 * its charts drawn, its numbers the API's, a hostile step name shown as text; and the same file opened offline
 * from disk fetches nothing.
 */
describe('run report in Chromium (npm start, embedded default)', () => {
  let stack: DashboardStack;
  let base: string;
  let pageErrors: string[];
  let run: RunResource;

  beforeAll(async () => {
    stack = await startDashboardStack(2);
    ({ base, pageErrors } = stack);
    const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
      name: 'Report e2e',
      baseUrl: stack.target.url,
      steps: [
        { name: 'home', method: 'GET', url: '/', checks: [{ status: [200] }] },
        { name: HOSTILE_STEP, method: 'GET', url: '/status/404', checks: [{ status: [200] }] },
      ],
    });
    expect(plan.status).toBe(201);
    await stack.idleWorkers();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${plan.body.id}/runs`, {
      connections: 4,
      durationSeconds: 5,
      thresholds: [{ expression: 'p(95) < 10s' }, { expression: 'checks > 99%' }],
    });
    expect(started.status).toBe(201);
    run = await runInState(base, started.body.id, 'finished', 30_000);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('the run page links the three reports; the HTML one opens with its charts drawn and the API’s numbers', async () => {
    const { page } = stack;
    await page.goto(`${base}/runs/${run.id}`);
    const links = page.getByTestId('report-links');
    expect(await links.getByRole('link', { name: 'JSON' }).getAttribute('href')).toBe(`/api/v1/runs/${run.id}/report.json`);
    expect(await links.getByRole('link', { name: 'JUnit XML' }).getAttribute('href')).toBe(`/api/v1/runs/${run.id}/report.xml`);
    // The downloads answer on the page's session (its cookie), as the links would.
    const json = await page.request.get(`${base}/api/v1/runs/${run.id}/report.json`);
    expect(json.status()).toBe(200);
    expect(((await json.json()) as RunReport).summary).toEqual(run.summary);
    const xml = await page.request.get(`${base}/api/v1/runs/${run.id}/report.xml`);
    expect(xml.headers()['content-type']).toBe('application/xml; charset=utf-8');
    expect(await xml.text()).toContain('<testsuite package="loadtest"');

    const [report] = await Promise.all([page.context().waitForEvent('page'), links.getByRole('link', { name: 'Report (HTML)' }).click()]);
    watchPage(report, pageErrors);
    const dialogs: string[] = [];
    report.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await report.waitForLoadState('load');
    expect(report.url()).toBe(`${base}/api/v1/runs/${run.id}/report.html`);
    await report.setViewportSize({ width: 1100, height: 900 });

    const charts = await drawnCharts(report);
    expect(charts.map((c) => c.chart)).toEqual(['rps', 'latency', 'errors', 'distribution']);
    for (const chart of charts) {
      expect(chart).toMatchObject({ marks: expect.any(Number) });
      expect(chart.marks).toBeGreaterThan(0);
      expect(chart.svgWidth).toBeGreaterThan(0);
      expect(chart.svgHeight).toBeGreaterThan(0);
      expect(chart.widest).toBeGreaterThan(0);
    }
    // Lines over several seconds are wide; the latency lines and the bars are tall too.
    expect(charts[0]!.widest).toBeGreaterThan(300);
    expect(charts[1]!.tallest).toBeGreaterThan(0);
    expect(charts[3]!.tallest).toBeGreaterThan(10);

    const summary = run.summary!;
    const figure = (name: string) => report.locator(`[data-figure="${name}"] dd`).innerText();
    expect(await figure('requests')).toBe(count(summary.requests));
    expect(await figure('p50')).toBe(latency(summary.latencyMicros?.p50));
    expect(await figure('p95')).toBe(latency(summary.latencyMicros?.p95));
    expect(await figure('p99')).toBe(latency(summary.latencyMicros?.p99));
    expect(await figure('errors')).toBe(count(summary.errorCount));
    expect(await report.locator('[data-field="run-id"]').innerText()).toBe(run.id);
    const thresholds = report.locator('[data-table="thresholds"] tbody tr');
    expect(await thresholds.allInnerTexts()).toEqual([
      expect.stringMatching(/^passed\s+p\(95\) < 10s\s+whole run\s+\S+/),
      expect.stringMatching(/^failed\s+checks > 99%\s+whole run\s+\S+/),
    ]);
    const steps = report.locator('[data-table="steps"] tbody tr');
    expect(await steps.count()).toBe(Object.keys(summary.steps).length);
    expect(await steps.filter({ hasText: 'home' }).locator('td').nth(1).innerText()).toBe(count(summary.steps.home!.requests));
    // The hostile step name is text: no image made of it, no handler run.
    expect(await steps.filter({ hasText: HOSTILE_STEP }).count()).toBe(1);
    expect(await report.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    const workers = report.locator('[data-table="workers"] tbody tr');
    expect(await workers.count()).toBe(run.workers.length);

    await report.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true });
    await report.close();
  });

  it('the same HTML file, saved and opened offline from disk, draws its charts and fetches nothing', async () => {
    const html = await (await stack.page.request.get(`${base}/api/v1/runs/${run.id}/report.html`)).text();
    const dir = await mkdtemp(join(tmpdir(), 'report-e2e-'));
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const context = await stack.browser.newContext({ offline: true, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForLoadState('load');
      expect(requested).toEqual([pathToFileURL(file).href]);
      const charts = await drawnCharts(page);
      expect(charts).toHaveLength(4);
      expect(charts.every((c) => c.marks > 0 && c.widest > 0)).toBe(true);
      expect(await page.locator('[data-figure="requests"] dd').innerText()).toBe(count(run.summary!.requests));
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
