import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunReportSchema, type ErrorBody, type PlanResource, type RangeSummary, type RunResource } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { InProcessHub } from '@loadtest/transport';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import type { Master } from '../src/app.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const JUNIT_XSD = readFileSync(new URL('../../../libs/report/test/fixtures/JUnit.xsd', import.meta.url), 'utf8');

describe('run reports: GET /runs/:id/report.html, .json, .xml (real PostgreSQL, in-process transport, worker threads)', () => {
  let db: TestDatabase;
  let target: TargetServer;
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;
  let run: RunResource;

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    hub = new InProcessHub(silent);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, timings: { runStartLeadMs: 300 }, dashboardDir: null });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 2, silent);
    await until(() => master.registry.available().length === 2, 15_000, '2 idle workers');
    const plan = await master.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: {
        name: 'Report <smoke> & co',
        baseUrl: target.url,
        steps: [
          { name: 'home', method: 'GET', url: '/', checks: [{ status: [200] }] },
          { name: 'missing', method: 'GET', url: '/status/404', checks: [{ name: 'found', status: [200] }] },
        ],
      },
    });
    expect(plan.statusCode).toBe(201);
    const started = await master.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.json<PlanResource>().id}/runs`,
      payload: { connections: 4, durationSeconds: 2, thresholds: [{ expression: 'p(95) < 10s' }, { expression: 'checks > 99%' }] },
    });
    expect(started.statusCode).toBe(201);
    const id = started.json<RunResource>().id;
    run = await until(
      async () => {
        const r = (await master.app.inject({ method: 'GET', url: `/api/v1/runs/${id}` })).json<RunResource>();
        return r.state === 'finished' ? r : undefined;
      },
      20_000,
      'run finished',
    );
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await workers?.stop();
    await hub?.close();
    await target?.close();
    await db?.drop();
  }, 60_000);

  it('answers the JSON report in its schema, with the totals GET /runs/:id gives', async () => {
    const response = await master.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/report.json` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="run-${run.id.slice(0, 8)}-report.json"`);
    const report = RunReportSchema.parse(response.json());
    expect(report.reportFormat).toBe(1);
    expect(report.summary).toEqual(run.summary);
    expect(report.summary!.requests).toBeGreaterThan(0);
    expect(report.run).toMatchObject({ id: run.id, planName: 'Report <smoke> & co', state: 'finished', verdict: 'failed' });
    // The timeline and the shares add up to the run.
    expect(report.timeline.points.reduce((n, p) => n + p.requests, 0)).toBe(run.summary!.requests);
    expect(report.workers.map((w) => w.shareId).sort()).toEqual(['local-1', 'local-2']);
    expect(report.workers.reduce((n, w) => n + w.summary!.requests, 0)).toBe(run.summary!.requests);
    for (const worker of report.workers) {
      const own = (await master.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/summary?worker=${worker.shareId}` })).json<RangeSummary>();
      const { dropped: _dropped, steps: _steps, ...figures } = own.summary;
      expect(worker.summary).toEqual(figures);
    }
    // The distribution is counted from the merged histogram: every response in one bar.
    expect(report.latencyDistribution!.source).toBe('histogram');
    expect(report.latencyDistribution!.buckets.reduce((n, b) => n + b.count, 0)).toBe(run.summary!.requests);
    expect(report.thresholds.map((t) => [t.expression, t.ok])).toEqual([
      ['p(95) < 10s', true],
      ['checks > 99%', false],
    ]);
    expect(report.checks.map((c) => [c.step, c.ok, c.failed > 0])).toEqual([
      ['home', true, false],
      ['missing', false, true],
    ]);
    expect(report.checks[1]!.failed).toBe(run.summary!.steps.missing!.checks.failed);
  });

  it('answers the HTML report inline, self-contained, with a policy that lets it load nothing', async () => {
    const response = await master.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/report.html` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`inline; filename="run-${run.id.slice(0, 8)}-report.html"`);
    expect(response.headers['content-security-policy']).toMatch(/^default-src 'none';/);
    const html = response.body;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|\b(?:src|href)="(?:https?:)?\/\//i);
    expect(html).toContain('Report &lt;smoke&gt; &amp; co');
    expect(html).not.toContain('Report <smoke>');
    expect(html).toContain(`data-figure="requests"><dt>Requests</dt><dd>${run.summary!.requests.toLocaleString('en-US')}</dd>`);
    expect(html.match(/<figure class="chart"/g)!.length).toBe(4);
  });

  it('answers the JUnit XML as a download that the JUnit XSD accepts, a case per threshold and per step with checks', async () => {
    const response = await master.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/report.xml` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="run-${run.id.slice(0, 8)}-report.xml"`);
    const xml = response.body;
    const validation = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'JUnit.xsd', contents: JUNIT_XSD } });
    expect(validation.errors).toEqual([]);
    expect([...xml.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'threshold p(95) &lt; 10s',
      'threshold checks &gt; 99%',
      'checks of step home',
      'checks of step missing',
    ]);
    expect(xml).toContain('tests="4" failures="2" errors="0"');
  });

  it('answers 404 for an unknown run and 400 for a malformed id, on each of the three', async () => {
    for (const extension of ['html', 'json', 'xml']) {
      const missing = await master.app.inject({ method: 'GET', url: `/api/v1/runs/${MISSING_ID}/report.${extension}` });
      expect(missing.statusCode).toBe(404);
      expect(missing.json<ErrorBody>().message).toBe(`run ${MISSING_ID} not found`);
      expect((await master.app.inject({ method: 'GET', url: `/api/v1/runs/not-a-uuid/report.${extension}` })).statusCode).toBe(400);
    }
  });

  it('documents the three routes in the OpenAPI document, under runs', async () => {
    const doc = (await master.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, { content: Record<string, unknown> }> }>>;
    }>();
    for (const extension of ['html', 'json', 'xml']) expect(doc.paths[`/api/v1/runs/{id}/report.${extension}`]!.get!.tags).toEqual(['runs']);
    const answers = (extension: string) => Object.keys(doc.paths[`/api/v1/runs/{id}/report.${extension}`]!.get!.responses['200']!.content);
    expect([answers('html'), answers('json'), answers('xml')]).toEqual([['text/html'], ['application/json'], ['application/xml']]);
  });
});
