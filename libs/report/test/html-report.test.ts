import { describe, expect, it } from '@jest/globals';
import { buildRunReport, distributionFromHistogram, formatCount, formatLatency, renderReportHtml } from '../src/index.js';
import { HOSTILE_STEP, mergedHistogram, realisticFixture } from './fixture.js';
import { externalReferences } from './self-contained.js';

function reportHtml(options: Parameters<typeof realisticFixture>[0] = {}) {
  const { input, windows } = realisticFixture(options);
  const report = buildRunReport({ ...input, latencyDistribution: distributionFromHistogram(mergedHistogram(windows)) });
  return { report, html: renderReportHtml(report) };
}

/** The text of the element holding `data-<kind>="<id>"`, tags dropped and entities read. */
function textOf(html: string, selector: string): string {
  const start = html.indexOf(selector);
  if (start < 0) throw new Error(`no ${selector} in the page`);
  const dd = html.indexOf('<dd>', start);
  return html
    .slice(dd + 4, html.indexOf('</dd>', dd))
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&');
}

describe('renderReportHtml', () => {
  it('makes one page that references nothing outside itself: no script, link, font or external URL', () => {
    const { html } = reportHtml();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(externalReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    // The only http(s) text is the plan's base URL, shown as text (credentials removed).
    expect([...html.matchAll(/https?:\/\/[^\s<"]*/g)].map((m) => m[0])).toEqual(['https://shop.example.test/api']);
  });

  it('finds what would make a page fetch something (the check can fail)', () => {
    expect(externalReferences('<p>ok</p><img src="https://evil.test/x.png">')).toEqual(['<img src="https://evil.test/x.png">']);
    expect(externalReferences('<a href="//cdn.test/a">a</a>')).toEqual(['<a href="//cdn.test/a">']);
    expect(externalReferences('<style>body { background: url("http://x.test/b.png") }</style>')).toEqual(['url(http://x.test/b.png)']);
    expect(externalReferences('<script>1</script>')).toEqual(['<script> element']);
    expect(externalReferences('<link rel="stylesheet" href="s.css">')).toEqual(['<link> element']);
    expect(externalReferences('<img src="data:image/png;base64,AAAA">')).toEqual([]);
  });

  it('shows a step named like an HTML tag as text, everywhere, and runs nothing', () => {
    const { html } = reportHtml({ steps: ['home', HOSTILE_STEP, 'search'], planName: 'Plan <b>bold</b> & "quoted"' });
    expect(html).not.toContain(HOSTILE_STEP);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Plan &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(externalReferences(html)).toEqual([]);
    // Steps table, checks table, plan table, threshold scope: the name is shown in each.
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('shows the run’s figures as the API gives them', () => {
    const { html, report } = reportHtml();
    const s = report.summary!;
    expect(textOf(html, 'data-figure="requests"')).toBe(formatCount(s.requests));
    expect(textOf(html, 'data-figure="p95"')).toBe(formatLatency(s.latencyMicros!.p95));
    expect(textOf(html, 'data-figure="errors"')).toBe(formatCount(s.errorCount));
    expect(textOf(html, 'data-figure="dropped"')).toBe('6');
    expect(html).toContain(report.run.id);
  });

  it('draws the four charts as inline SVG, each with data paths', () => {
    const { html } = reportHtml();
    const charts = [...html.matchAll(/<figure class="chart" data-chart="([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(charts.map((c) => c[1])).toEqual(['rps', 'latency', 'errors', 'distribution']);
    for (const [, , body] of charts) expect(body).toMatch(/<path [^>]*d="M[\d.]+,[\d.]+[LvhV]/);
    const latency = charts[1]![2]!;
    expect([...latency.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['p50', 'p95', 'p99']);
    const errors = charts[2]![2]!;
    // Only the kinds that happened: timeouts (second 5) and resets (second 7).
    expect([...errors.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['timeout', 'reset']);
    expect(charts[3]![2]!.match(/class="bar"/g)!.length).toBeGreaterThan(5);
  });

  it('lists thresholds with their values, checks with counts, steps, workers, scenarios and metadata', () => {
    const { html, report } = reportHtml();
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
    const thresholds = section('thresholds');
    expect(thresholds).toContain('p(95) &lt; 200ms');
    expect(thresholds).toContain(report.thresholds[0]!.display);
    expect(thresholds.match(/badge passed/g)!.length).toBe(1);
    expect(thresholds.match(/badge failed/g)!.length).toBe(2);
    const checks = section('checks');
    expect(checks).toContain('token issued');
    expect(checks).toContain('>40<');
    expect(section('steps').match(/<tr>/g)!.length).toBe(4);
    expect(section('workers')).toContain('[1/2, 1)');
    expect(section('load')).toContain('constant-arrival-rate');
    expect(section('load')).toContain('20 iterations/s for 8s, at most 10 VUs');
    expect(section('metadata')).toContain('2026-12-03 11:00:00 UTC');
    expect(html).not.toContain('hunter2');
    expect(html).not.toContain('sk_live_secret');
  });

  it('says so when the run has no measurement', () => {
    const { input } = realisticFixture();
    const report = buildRunReport({ ...input, run: { ...input.run, summary: null }, timeline: { bucketSeconds: 1, points: [] }, workerSummaries: new Map() });
    const html = renderReportHtml(report);
    expect(html).toContain('No measurement was stored for this run');
    expect(html).not.toContain('<svg');
  });
});

describe('renderReportHtml on flat data', () => {
  it('draws a run with no error and a single bucket with finite coordinates: a flat errors line, one dot per series', () => {
    const { input } = realisticFixture();
    const point = input.timeline.points[0]!;
    const calm = { ...point, errors: { timeout: 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 }, errorCount: 0 };
    const html = renderReportHtml(buildRunReport({ ...input, timeline: { bucketSeconds: 1, points: [calm] } }));
    expect(html).not.toMatch(/NaN|Infinity/);
    const errors = html.slice(html.indexOf('data-chart="errors"'), html.indexOf('</figure>', html.indexOf('data-chart="errors"')));
    expect([...errors.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['errors (none)']);
    expect(errors).toMatch(/<circle /);
  });
});
