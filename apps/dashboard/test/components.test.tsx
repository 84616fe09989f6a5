import { describe, expect, it } from '@jest/globals';
import type { PlanResource, RunResource, RunSummary, WorkerList } from '@loadtest/protocol';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError } from '../src/api/client.js';
import { keys } from '../src/api/queries.js';
import { ComparePage } from '../src/compare/compare-page.js';
import { QueryState } from '../src/components/query-state.js';
import { LaunchPage } from '../src/launch/launch-page.js';
import { renderAt } from './support/render-at.js';

function render(path: string, route: string, page: ReactNode, cached: [readonly unknown[], unknown][]): string {
  return renderAt(page, path, route, cached);
}

const summary = (p95: number, rps: number): RunSummary => ({
  requests: rps * 10,
  bytesIn: 0,
  bytesOut: 0,
  durationSeconds: 10,
  rps,
  latencyMicros: { min: 100, mean: 1000, stdev: 10, p50: 1000, p75: 1500, p90: 2000, p95, p99: p95 * 2, p999: p95 * 3, max: p95 * 4 },
  statusCodes: { '200': rps * 10 },
  errors: { timeout: 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 },
  errorCount: 0,
  errorRate: 0,
  checks: { passed: 0, failed: 0 },
  dropped: 0,
  steps: {},
});

const run = (id: string, s: RunSummary): RunResource =>
  ({
    id,
    planId: 'p',
    state: 'finished',
    summary: s,
    workers: [],
    thresholds: [],
    thresholdResults: [],
    verdict: 'passed',
    createdAt: '2026-12-03T00:00:00.000Z',
    startAt: null,
    endedAt: null,
    error: null,
  }) as unknown as RunResource;

describe('QueryState', () => {
  it("shows the API's refusal with its status, as an alert", () => {
    const html = renderToStaticMarkup(
      <QueryState isPending={false} error={new ApiError(409, { statusCode: 409, error: 'Conflict', message: 'no idle worker' }, '/x')}>
        {() => 'content'}
      </QueryState>,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('409: no idle worker');
    expect(html).not.toContain('content');
  });
});

describe('ComparePage', () => {
  it('marks a slower p95 worse and a higher rate better, against the first run', () => {
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    const timeline = (id: string) => ({ runId: id, bucketSeconds: 1, points: [] });
    const html = render(`/compare?runs=${a},${b}`, '/compare', <ComparePage />, [
      [keys.run(a), run(a, summary(10_000, 100))],
      [keys.run(b), run(b, summary(15_000, 120))],
      [[...keys.timeline(a), undefined, undefined, '1s'], timeline(a)],
      [[...keys.timeline(b), undefined, undefined, '1s'], timeline(b)],
    ]);
    expect(html).toContain('Compare 2 runs');
    const row = (metric: string) => html.slice(html.indexOf(`data-metric="${metric}"`), html.indexOf('</tr>', html.indexOf(`data-metric="${metric}"`)));
    expect(row('p95')).toContain('15.00 ms');
    expect(row('p95')).toContain('data-direction="worse"');
    expect(row('p95')).toContain('+5.00 ms (+50.0 %) worse');
    expect(row('rps')).toContain('data-direction="better"');
    expect(row('errorRate')).toContain('data-direction="same"');
  });
});

describe('ComparePage with fewer than two runs', () => {
  it('says how to choose them, under its heading', () => {
    const html = render('/compare?runs=11111111-1111-4111-8111-111111111111', '/compare', <ComparePage />, []);
    expect(html).toContain('<h1 id="compare-title"');
    expect(html).toContain('Choose two or more runs to compare');
  });
});

describe('LaunchPage', () => {
  it('starts with a valid constant-VUs draft: labelled fields, its planned load and the idle workers’ capacity', () => {
    const plan = {
      id: 'p1',
      name: 'checkout',
      baseUrl: 'http://127.0.0.1:1',
      steps: [{ kind: 'http', name: 'root', method: 'GET', path: '/' }],
      createdAt: '',
      updatedAt: '',
    } as unknown as PlanResource;
    const workers: WorkerList = {
      items: [
        {
          id: 'w1',
          host: 'h',
          version: '1',
          state: 'online',
          lastHeartbeatAt: null,
          lastSeenAt: '2026-12-03T00:00:00.000Z',
          capabilities: { cores: 2, memoryBytes: 1, maxConnections: 500 },
          clockOffsetMs: 0,
          runId: null,
        },
      ],
    };
    const html = render('/plans/p1/launch', '/plans/:id/launch', <LaunchPage />, [
      [keys.plan('p1'), plan],
      [keys.workers, workers],
    ]);
    expect(html).toContain('Launch a run of');
    expect(html).toContain('checkout');
    for (const label of ['Name', 'Executor', 'Start after', 'VUs', 'Duration', 'When a worker is lost', 'Request timeout'])
      expect(html).toMatch(new RegExp(`<label[^>]*>${label}</label>`));
    expect(html).toContain('aria-label="Planned load"');
    expect(html).toContain('1 idle worker, 500 connections together');
    expect(html).toContain('this run needs 10');
    expect(html).not.toContain('disabled=""');
  });
});
