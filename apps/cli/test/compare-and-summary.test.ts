import { describe, expect, it } from '@jest/globals';
import pc from 'picocolors';
import { compareRows, difference, pointsDifference } from '../src/commands/runs/compare-rows.js';
import { runTable } from '../src/commands/runs/runs-list.js';
import { formatCount, formatMicros } from '../src/output/format.js';
import { table } from '../src/output/table.js';
import { runSummaryLines } from '../src/run-view/run-summary.js';
import { finishedRun, runSummary } from './fixtures.js';

const plain = pc.createColors(false);

describe('runs compare', () => {
  it('differences carry their sign and the change relative to A', () => {
    expect(difference(1000, 1100, formatCount)).toBe('+100 (+10.0%)');
    expect(difference(3000, 1500, formatMicros)).toBe('-1.50ms (-50.0%)');
    expect(difference(5, 5, formatCount)).toBe('±0 (+0.0%)');
    expect(difference(null, 5, formatCount)).toBe('');
    expect(pointsDifference(0.001, 0.021)).toBe('+2.00 pp');
  });

  it('puts both runs side by side with the differences and the thresholds that changed', () => {
    const a = finishedRun();
    const b = finishedRun({
      id: '33333333-3333-4333-8333-333333333333',
      summary: runSummary(12_000, 6000, 120),
      verdict: 'failed',
      thresholdResults: [{ expression: 'p(95)<300ms', step: null, ok: false, value: 6000, display: '6.00ms' }],
    });
    const rows = compareRows(a, b);
    const byName = new Map(rows.map((r) => [r[0], r.slice(1)]));
    expect(byName.get('requests')).toEqual(['10,000', '12,000', '+2,000 (+20.0%)']);
    expect(byName.get('p95')).toEqual(['3.21ms', '6.00ms', '+2.79ms (+86.9%)']);
    expect(byName.get('error rate')).toEqual(['0.00%', '0.99%', '+0.99 pp']);
    expect(byName.get('verdict')).toEqual(['passed', 'failed', 'passed → failed']);
    expect(byName.get('threshold p(95)<300ms')).toEqual(['✓ 3.21ms', '✗ 6.00ms', 'now fails']);
    // Laid out as a table: the right-aligned columns end at the same place on every line.
    const lines = table(rows, ['left', 'right', 'right', 'right']);
    const ends = (pattern: RegExp) => lines.map((l) => l.search(pattern) + (l.match(pattern)?.[0].length ?? 0));
    expect(new Set(ends(/(10,000|12,000|passed|failed)(?=\s)/)).size).toBeLessThanOrEqual(2);
  });
});

describe('the run summary', () => {
  it('shows state, verdict, thresholds with values, totals and steps', () => {
    const text = runSummaryLines(finishedRun(), plain).join('\n');
    expect(text).toContain('run 11111111-1111-4111-8111-111111111111  finished · PASSED');
    expect(text).toContain('constant-vus 5 VUs for 5s');
    expect(text).toMatch(/✓ p\(95\)<300ms \.+ 3\.21ms/);
    expect(text).toMatch(/requests \.+ 10,000 {2}2,000\/s/);
    expect(text).toMatch(/latency \.+ min=200µs .* p95=3\.21ms p99=4\.82ms/);
    expect(text).toMatch(/checks \.+ 100\.00% {2}✓ 10,000 {2}✗ 0/);
    expect(text).toMatch(/root\s+10,000\s+2,000\s+1\.07ms\s+3\.21ms\s+4\.82ms\s+0\.00%/);
  });

  it('says why a run ended as it did, and marks failed thresholds', () => {
    const text = runSummaryLines(
      finishedRun({
        state: 'failed',
        verdict: 'failed',
        error: 'aborted: threshold "p(95)<1ms" failed at second 2 with 3.21ms',
        thresholdResults: [{ expression: 'p(95)<1ms', step: null, ok: false, value: 3210, display: '3.21ms' }],
      }),
      plain,
    ).join('\n');
    expect(text).toContain('failed · FAILED');
    expect(text).toMatch(/ended because \.+ aborted: threshold/);
    expect(text).toMatch(/✗ p\(95\)<1ms \.+ 3\.21ms/);
  });

  it('a run with no measurements says so', () => {
    expect(runSummaryLines(finishedRun({ summary: null }), plain).join('\n')).toContain('no measurements were received');
  });
});

describe('runs list', () => {
  it('one row per run under a header', () => {
    const lines = runTable([finishedRun()]);
    expect(lines[0]).toMatch(/^ID\s+STATE\s+VERDICT\s+CREATED\s+PLANNED\s+REQUESTS\s+RPS\s+P95\s+ERRORS$/);
    expect(lines[1]).toMatch(/^11111111-1111-4111-8111-111111111111\s+finished\s+passed\s+2026-12-03 11:00:00Z\s+5s\s+10,000\s+2,000\s+3\.21ms\s+0\.00%$/);
  });
});
