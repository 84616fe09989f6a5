import type { RunReport } from '@loadtest/protocol';
import { formatInstant } from '../format.js';
import { reportCharts } from './charts.js';
import { escapeHtml } from './escape.js';
import { checksSection, figuresSection, loadSection, metadataSection, planSection, stepsSection, thresholdsSection, workersSection } from './sections.js';
import { REPORT_CSS } from './styles.js';
import { badge } from './table.js';

/**
 * A run's report as one HTML page that stands alone: styles inline, charts as inline SVG, no script, no link,
 * no image or font to fetch. It opens offline, from a mail attachment or a CI artifact, and shows the same
 * thing everywhere. Every text from the run is escaped (escape.ts, table.ts).
 */
export function renderReportHtml(report: RunReport): string {
  const { run } = report;
  const verdict = run.verdict ? badge(run.verdict, run.verdict).html : '';
  const title = `${report.plan.name} — run ${run.id.slice(0, 8)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1><span data-field="plan-name">${escapeHtml(report.plan.name)}</span><span class="verdict" data-field="verdict">${verdict}</span></h1>`,
    `<p>Load test report · run <span data-field="run-id">${escapeHtml(run.id)}</span> · ${escapeHtml(run.state)} · started ${escapeHtml(formatInstant(run.startAt))}</p></header>`,
    '<main>',
    figuresSection(report),
    `<section id="charts"><h2>Over time</h2>${reportCharts(report)}</section>`,
    thresholdsSection(report),
    checksSection(report),
    stepsSection(report),
    workersSection(report),
    loadSection(report),
    planSection(report),
    metadataSection(report),
    '</main>',
    `<footer>Report format ${report.reportFormat} · made ${escapeHtml(formatInstant(report.generatedAt))} · the same data as JSON: report.json (docs/report-format.md)</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
