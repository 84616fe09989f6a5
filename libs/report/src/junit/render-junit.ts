import type { ReportCheck, ReportThreshold, RunReport } from '@loadtest/protocol';
import { formatCount, formatLatency, formatPercent, formatRate } from '../format.js';
import { escapeXml } from './xml-escape.js';

export interface JunitOptions {
  /** The `hostname` of the suite: where the run was made from; `localhost` when unknown (the schema's advice). */
  hostname?: string;
}

/** JUnit's timestamps have no time zone (the XSD's pattern): the instant in UTC, to the second. */
const junitTimestamp = (iso: string) => iso.slice(0, 19);

/** Seconds as an xs:decimal: never an exponent. */
const decimal = (seconds: number) => (Number.isFinite(seconds) && seconds > 0 ? seconds.toFixed(3) : '0');

function runSeconds(report: RunReport): number {
  const { startAt, endedAt } = report.run;
  if (startAt && endedAt) return Math.max(0, (Date.parse(endedAt) - Date.parse(startAt)) / 1000);
  return report.summary?.durationSeconds ?? 0;
}

function thresholdCase(t: ReportThreshold): string {
  const scope = t.step === null ? '' : ` [step ${t.step}]`;
  const open = `<testcase name="${escapeXml(`threshold ${t.expression}${scope}`)}" classname="loadtest.thresholds" time="0"`;
  if (t.ok === null) return `${open}><skipped/></testcase>`;
  if (t.ok) return `${open}/>`;
  const value = t.display || 'no data';
  const detail = `threshold: ${t.expression}\nscope: ${t.step ?? 'whole run'}\nvalue: ${value}${t.value === null ? '' : ` (${t.value})`}`;
  return `${open}><failure message="${escapeXml(`${t.expression} failed: ${value}`)}" type="threshold">${escapeXml(detail)}</failure></testcase>`;
}

function checkCase(c: ReportCheck): string {
  const open = `<testcase name="${escapeXml(`checks of step ${c.step}`)}" classname="loadtest.checks" time="0"`;
  const total = c.passed + c.failed;
  if (total === 0) return `${open}><skipped/></testcase>`;
  if (c.ok) return `${open}/>`;
  const detail = `step: ${c.step}\npassed: ${c.passed}\nfailed: ${c.failed}\nchecks:\n${c.checks.map((d) => `  - ${d}`).join('\n') || '  (none declared: a failed extraction)'}`;
  return `${open}><failure message="${escapeXml(`${c.failed} of ${total} checks failed`)}" type="check">${escapeXml(detail)}</failure></testcase>`;
}

/** The run's figures as the suite's standard output: what a CI page shows beside the cases. */
function summaryText(report: RunReport): string {
  const s = report.summary;
  if (!s) return 'No measurement was stored for this run.';
  return [
    `requests: ${formatCount(s.requests)} (${formatRate(s.rps)}/s)`,
    `latency: p50 ${formatLatency(s.latencyMicros?.p50)}, p95 ${formatLatency(s.latencyMicros?.p95)}, p99 ${formatLatency(s.latencyMicros?.p99)}, max ${formatLatency(s.latencyMicros?.max)}`,
    `errors: ${formatCount(s.errorCount)} (${formatPercent(s.errorRate)})`,
    `checks: ${formatCount(s.checks.passed)} passed, ${formatCount(s.checks.failed)} failed`,
    `dropped: ${formatCount(s.dropped)}`,
  ].join('\n');
}

/**
 * The run as JUnit XML: one suite, a test case per threshold (a failure with its value when it failed) and per
 * step with checks (a failure with the counts when any failed); skipped when never judged or never run. It
 * validates against the Ant/Jenkins JUnit schema (test/fixtures/JUnit.xsd), which CI servers read.
 */
export function renderReportJunit(report: RunReport, options: JunitOptions = {}): string {
  const { run } = report;
  const cases = [...report.thresholds.map(thresholdCase), ...report.checks.map(checkCase)];
  const failures = report.thresholds.filter((t) => t.ok === false).length + report.checks.filter((c) => !c.ok).length;
  const skipped = report.thresholds.filter((t) => t.ok === null).length + report.checks.filter((c) => c.passed + c.failed === 0).length;
  const properties: [string, string][] = [
    ['runId', run.id],
    ['planId', run.planId ?? ''],
    ['plan', report.plan.name],
    ['state', run.state],
    ['verdict', run.verdict ?? 'not judged'],
    ['requests', String(report.summary?.requests ?? 0)],
    ['reportFormat', String(report.reportFormat)],
  ];
  const suite = [
    `<testsuite package="loadtest" id="0" name="${escapeXml(`loadtest: ${report.plan.name} (run ${run.id})`)}" timestamp="${junitTimestamp(run.startAt ?? run.createdAt)}"`,
    ` hostname="${escapeXml(options.hostname || 'localhost')}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${decimal(runSeconds(report))}">\n`,
    `<properties>\n${properties.map(([name, value]) => `<property name="${escapeXml(name)}" value="${escapeXml(value)}"/>\n`).join('')}</properties>\n`,
    cases.map((c) => `${c}\n`).join(''),
    `<system-out>${escapeXml(summaryText(report))}</system-out>\n`,
    `<system-err>${escapeXml(run.error ?? '')}</system-err>\n`,
    '</testsuite>',
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suite}\n</testsuites>\n`;
}
