import type { RunReport, Scenario, StepSummary } from '@loadtest/protocol';
import { formatBytes, formatCount, formatDuration, formatInstant, formatLatency, formatPercent, formatRate } from '../format.js';
import { escapeHtml } from './escape.js';
import { badge, markup, table, type Cell } from './table.js';

/** The sections of the HTML report below its charts, each a function of the report alone. */

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;

/** The run's key figures, each with `data-figure` (what a test reads to compare with the API's summary). */
export function figuresSection(report: RunReport): string {
  const s = report.summary;
  if (!s) return section('figures', 'Summary', '<p class="empty">No measurement was stored for this run.</p>');
  const figures: [string, string, string][] = [
    ['requests', 'Requests', formatCount(s.requests)],
    ['rps', 'Requests/s', formatRate(s.rps)],
    ['p50', 'p50', formatLatency(s.latencyMicros?.p50)],
    ['p95', 'p95', formatLatency(s.latencyMicros?.p95)],
    ['p99', 'p99', formatLatency(s.latencyMicros?.p99)],
    ['max', 'Max', formatLatency(s.latencyMicros?.max)],
    ['errors', 'Errors', formatCount(s.errorCount)],
    ['error-rate', 'Error rate', formatPercent(s.errorRate)],
    ['dropped', 'Dropped', formatCount(s.dropped)],
    ['checks', 'Checks passed', `${formatCount(s.checks.passed)} / ${formatCount(s.checks.passed + s.checks.failed)}`],
    ['bytes-in', 'Received', formatBytes(s.bytesIn)],
    ['duration', 'Measured', formatDuration(s.durationSeconds)],
  ];
  const items = figures
    .map(([id, name, value]) => `<div class="figure" data-figure="${id}"><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`)
    .join('');
  const codes = Object.entries(s.statusCodes).sort(([a], [b]) => a.localeCompare(b));
  const statusLine =
    codes.length > 0
      ? `<p class="codes">Status codes: ${codes.map(([code, n]) => `<span>${escapeHtml(code)} × ${escapeHtml(formatCount(n))}</span>`).join(' ')}</p>`
      : '';
  return section('figures', 'Summary', `<dl class="figures">${items}</dl>${statusLine}`);
}

export function metadataSection(report: RunReport): string {
  const { run, plan } = report;
  const rows: [string, Cell][] = [
    ['Run', run.id],
    ['Plan', plan.name],
    ['Plan id', run.planId ?? '(deleted)'],
    ['Base URL', plan.baseUrl],
    ['State', run.state],
    ['Verdict', run.verdict ? badge(run.verdict, run.verdict) : 'not judged'],
    ['Created', formatInstant(run.createdAt)],
    ['Started', formatInstant(run.startAt)],
    ['Ended', formatInstant(run.endedAt)],
    ['Report made', formatInstant(report.generatedAt)],
  ];
  if (run.error) rows.push(['Note', run.error]);
  const body = rows.map(
    ([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${typeof value === 'object' ? value.html : escapeHtml(value)}</td></tr>`,
  );
  return section('metadata', 'Run', `<table class="meta" data-table="metadata"><tbody>${body.join('')}</tbody></table>`);
}

export function thresholdsSection(report: RunReport): string {
  if (report.thresholds.length === 0) return section('thresholds', 'Thresholds', '<p class="empty">The run had no thresholds.</p>');
  const rows = report.thresholds.map((t): Cell[] => [
    t.ok === null ? badge('neutral', 'not judged') : t.ok ? badge('passed', 'passed') : badge('failed', 'failed'),
    t.expression,
    t.step ?? 'whole run',
    t.display || '–',
    t.abortOnFail ? 'yes' : 'no',
  ]);
  return section('thresholds', 'Thresholds', table('thresholds', ['Result', 'Threshold', 'Scope', 'Value', 'Aborts the run'], rows, 99));
}

export function checksSection(report: RunReport): string {
  if (report.checks.length === 0) return section('checks', 'Checks', '<p class="empty">The plan has no checks.</p>');
  const rows = report.checks.map((c): Cell[] => [
    c.passed + c.failed === 0 ? badge('neutral', 'not run') : c.ok ? badge('passed', 'passed') : badge('failed', 'failed'),
    c.step,
    markup(c.checks.length > 0 ? `<ul class="plain">${c.checks.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>` : '–'),
    formatCount(c.passed),
    formatCount(c.failed),
  ]);
  return section('checks', 'Checks', table('checks', ['Result', 'Step', 'Checks', 'Passed', 'Failed'], rows, 3));
}

const figuresOf = (s: StepSummary): Cell[] => [
  formatCount(s.requests),
  formatRate(s.rps),
  formatLatency(s.latencyMicros?.p50),
  formatLatency(s.latencyMicros?.p95),
  formatLatency(s.latencyMicros?.p99),
  formatLatency(s.latencyMicros?.max),
  formatCount(s.errorCount),
  formatPercent(s.errorRate),
];
const FIGURE_HEADERS = ['Requests', 'Requests/s', 'p50', 'p95', 'p99', 'Max', 'Errors', 'Error rate'];

/** A share's figures: fewer columns than a step's, beside the share's own (state, segment, VUs, windows). */
const shareFiguresOf = (s: StepSummary): Cell[] => [
  formatCount(s.requests),
  formatRate(s.rps),
  formatLatency(s.latencyMicros?.p95),
  formatLatency(s.latencyMicros?.p99),
  formatCount(s.errorCount),
  formatPercent(s.errorRate),
];
const SHARE_FIGURE_HEADERS = ['Requests', 'Requests/s', 'p95', 'p99', 'Errors', 'Error rate'];

export function stepsSection(report: RunReport): string {
  const steps = Object.entries(report.summary?.steps ?? {});
  if (steps.length === 0) return section('steps', 'Steps', '<p class="empty">No step was measured.</p>');
  const rows = steps.map(([name, s]): Cell[] => [name, ...figuresOf(s)]);
  return section('steps', 'Steps', table('steps', ['Step', ...FIGURE_HEADERS], rows));
}

const fraction = (f: { num: number; den: number }) => (f.num === 0 ? '0' : f.num === f.den ? '1' : `${f.num}/${f.den}`);

export function workersSection(report: RunReport): string {
  if (report.workers.length === 0) return section('workers', 'Workers', '<p class="empty">No worker took part.</p>');
  const rows = report.workers.map((w): Cell[] => [
    w.shareId,
    w.state,
    w.segment ? `[${fraction(w.segment.from)}, ${fraction(w.segment.to)})` : '–',
    formatCount(w.connections),
    formatCount(w.windows),
    ...(w.summary ? shareFiguresOf(w.summary) : SHARE_FIGURE_HEADERS.map(() => '–')),
  ]);
  const notes = report.workers.filter((w) => w.reason || w.clockSkewed);
  const noteList =
    notes.length > 0
      ? `<ul class="notes">${notes
          .map(
            (w) =>
              `<li>${escapeHtml(w.shareId)}: ${escapeHtml([w.reason, w.clockSkewed ? `clock off by ${w.clockOffsetMs} ms` : null].filter(Boolean).join('; '))}</li>`,
          )
          .join('')}</ul>`
      : '';
  return section('workers', 'Workers', table('workers', ['Share', 'State', 'Segment', 'VUs', 'Windows', ...SHARE_FIGURE_HEADERS], rows, 3) + noteList);
}

/** A scenario's shape in words: what its executor does, with its figures. */
function shapeOf(scenario: Scenario): string {
  const stages = (stages: readonly { duration: number; target: number }[], unit: string) =>
    stages.map((s) => `→ ${s.target}${unit} over ${formatDuration(s.duration)}`).join(', ');
  switch (scenario.executor) {
    case 'constant-vus':
      return `${scenario.vus} VUs for ${formatDuration(scenario.duration)}`;
    case 'ramping-vus':
      return `from ${scenario.startVUs} VUs ${stages(scenario.stages, ' VUs')}${scenario.preset ? ` (preset ${scenario.preset.preset})` : ''}`;
    case 'constant-arrival-rate':
      return `${scenario.rate} iterations/s for ${formatDuration(scenario.duration)}, at most ${scenario.maxVUs} VUs`;
    case 'ramping-arrival-rate':
      return `from ${scenario.startRate}/s ${stages(scenario.stages, '/s')}, at most ${scenario.maxVUs} VUs`;
  }
}

export function loadSection(report: RunReport): string {
  const { load } = report;
  const rows = load.scenarios.map((s): Cell[] => [
    s.name,
    s.executor,
    shapeOf(s),
    formatDuration(s.startTime),
    s.gracefulStop === undefined ? '10s' : formatDuration(s.gracefulStop),
  ]);
  const facts = `<p>${escapeHtml(`${formatDuration(load.durationSeconds)} in all; per-request timeout ${load.timeoutSeconds} s; a lost worker's share: ${load.onWorkerLoss}.`)}</p>`;
  return section('load', 'Load model', table('scenarios', ['Scenario', 'Executor', 'Shape', 'Starts at', 'Graceful stop'], rows, 99) + facts);
}

export function planSection(report: RunReport): string {
  const rows = report.plan.steps.map((s): Cell[] => [s.name, s.method, s.url, s.checks.length > 0 ? s.checks.join('; ') : '–']);
  return section('plan', 'Plan steps', table('plan-steps', ['Step', 'Method', 'URL', 'Checks'], rows, 99));
}
