import { describe, expect, it } from '@jest/globals';
import { RunReportSchema } from '@loadtest/protocol';
import { buildRunReport, distributionFromHistogram } from '../src/index.js';
import { mergedHistogram, realisticFixture } from './fixture.js';

describe('buildRunReport', () => {
  it('makes a report that its schema accepts, with the run’s own summary and timeline', () => {
    const { input } = realisticFixture();
    const report = buildRunReport(input);
    expect(RunReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.reportFormat).toBe(1);
    expect(report.generatedAt).toBe('2026-12-03T11:01:00.000Z');
    expect(report.summary).toEqual(input.run.summary);
    expect(report.timeline.points.reduce((n, p) => n + p.requests, 0)).toBe(report.summary!.requests);
    expect(report.run).toMatchObject({ id: input.run.id, planName: 'Shop checkout', state: 'finished', verdict: 'failed' });
    expect(report.load).toEqual(input.run.load);
  });

  it('pairs each threshold with its outcome, and lists the checks per step in the plan’s order', () => {
    const report = buildRunReport(realisticFixture().input);
    expect(report.thresholds.map((t) => [t.expression, t.step, t.ok, t.abortOnFail])).toEqual([
      ['p(95) < 200ms', null, true, false],
      ['error_rate < 0.1%', null, false, true],
      ['checks > 99%', 'login', false, false],
    ]);
    expect(report.thresholds[0]!.value).toBe(report.summary!.latencyMicros!.p95);
    expect(report.checks.map((c) => [c.step, c.ok, c.passed, c.failed, c.checks])).toEqual([
      ['home', true, report.summary!.steps.home!.checks.passed, 0, ['status in 200']],
      ['login', false, report.summary!.steps.login!.checks.passed, 40, ['body contains "welcome"', 'token issued']],
    ]);
  });

  it('reports a threshold with no outcome (a live run) as not judged', () => {
    const { input } = realisticFixture();
    const report = buildRunReport({ ...input, run: { ...input.run, state: 'running', verdict: null, thresholdResults: [] } });
    expect(report.thresholds.map((t) => [t.ok, t.value, t.display])).toEqual([
      [null, null, ''],
      [null, null, ''],
      [null, null, ''],
    ]);
  });

  it('gives each worker its own figures, which add up to the run’s', () => {
    const report = buildRunReport(realisticFixture().input);
    expect(report.workers.map((w) => w.shareId)).toEqual(['local-1', 'local-2']);
    expect(report.workers.reduce((n, w) => n + w.summary!.requests, 0)).toBe(report.summary!.requests);
    expect(report.workers.reduce((n, w) => n + w.summary!.errorCount, 0)).toBe(report.summary!.errorCount);
  });

  it('keeps credentials, headers and secret variables out of the report', () => {
    const report = buildRunReport(realisticFixture().input);
    const json = JSON.stringify(report);
    expect(report.plan.baseUrl).toBe('https://shop.example.test/api');
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('sk_live_secret');
    expect(report.plan.steps.map((s) => [s.name, s.method, s.url])).toEqual([
      ['home', 'GET', '/'],
      ['login', 'POST', '/login'],
      ['search', 'GET', '/search?q=${term}'],
    ]);
  });

  it('counts the response-time distribution from the merged histogram, every response in one bar', () => {
    const { input, windows } = realisticFixture();
    const distribution = distributionFromHistogram(mergedHistogram(windows))!;
    const report = buildRunReport({ ...input, latencyDistribution: distribution });
    const buckets = report.latencyDistribution!.buckets;
    expect(report.latencyDistribution!.source).toBe('histogram');
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(report.summary!.requests);
    expect(buckets[0]!.fromMicros).toBeLessThanOrEqual(report.summary!.latencyMicros!.min);
    expect(buckets.at(-1)!.toMicros).toBeGreaterThan(report.summary!.latencyMicros!.max);
    for (const [i, b] of buckets.entries()) if (i > 0) expect(b.fromMicros).toBe(buckets[i - 1]!.toMicros);
    // The slow 2 % (around 150 ms) land in the tail's bars, not in the bulk's (2-26 ms).
    const tail = buckets.filter((b) => b.fromMicros >= 100_000).reduce((n, b) => n + b.count, 0);
    expect(tail / report.summary!.requests).toBeGreaterThan(0.005);
    expect(tail / report.summary!.requests).toBeLessThan(0.05);
  });

  it('estimates the distribution from the percentiles when the histogram is not given', () => {
    const report = buildRunReport(realisticFixture().input);
    const distribution = report.latencyDistribution!;
    expect(distribution.source).toBe('percentiles');
    expect(distribution.buckets.reduce((n, b) => n + b.count, 0)).toBeCloseTo(report.summary!.requests, 6);
    expect(distribution.buckets[0]!.fromMicros).toBe(report.summary!.latencyMicros!.min);
    expect(distribution.buckets.at(-1)!.toMicros).toBe(report.summary!.latencyMicros!.max);
  });

  it('reports a run with no window: no summary, no distribution, an empty timeline', () => {
    const { input } = realisticFixture();
    const report = buildRunReport({
      ...input,
      run: { ...input.run, summary: null, thresholdResults: [], verdict: null, state: 'failed', error: 'no worker answered' },
      timeline: { bucketSeconds: 1, points: [] },
      workerSummaries: new Map(),
    });
    expect(RunReportSchema.safeParse(report).success).toBe(true);
    expect(report.summary).toBeNull();
    expect(report.latencyDistribution).toBeNull();
    expect(report.checks.map((c) => [c.step, c.passed, c.failed])).toEqual([
      ['home', 0, 0],
      ['login', 0, 0],
    ]);
    expect(report.workers.every((w) => w.summary === null)).toBe(true);
  });
});
