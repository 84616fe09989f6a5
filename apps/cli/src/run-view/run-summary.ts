import type { RunResource, StepSummary, ThresholdOutcome } from '@loadtest/protocol';
import type { Output } from '../output/output.js';
import { formatCount, formatMicros, formatPercent, formatRate, formatSeconds } from '../output/format.js';
import { dotted, table } from '../output/table.js';
import { describeLoad } from './describe-load.js';

type Colors = Output['colors'];

/** The run's state and verdict, coloured by what they mean for a release. */
export function stateAndVerdict(run: Pick<RunResource, 'state' | 'verdict'>, colors: Colors): string {
  const state =
    run.state === 'finished' ? colors.green(run.state) : run.state === 'running' || run.state === 'pending' ? colors.cyan(run.state) : colors.red(run.state);
  const verdict = run.verdict === null ? colors.dim('no verdict yet') : run.verdict === 'passed' ? colors.green('PASSED') : colors.red('FAILED');
  return `${state} · ${verdict}`;
}

function thresholdLine(outcome: ThresholdOutcome, colors: Colors): string {
  const mark = outcome.ok ? colors.green('✓') : colors.red('✗');
  const label = `${outcome.expression}${outcome.step ? ` [${outcome.step}]` : ''}`;
  return `    ${mark} ${dotted(label, outcome.ok ? outcome.display : colors.red(outcome.display), 34)}`;
}

function latencyLine(summary: Pick<StepSummary, 'latencyMicros'>): string {
  const l = summary.latencyMicros;
  if (!l) return '-';
  return `min=${formatMicros(l.min)} avg=${formatMicros(l.mean)} p50=${formatMicros(l.p50)} p90=${formatMicros(l.p90)} p95=${formatMicros(l.p95)} p99=${formatMicros(l.p99)} max=${formatMicros(l.max)}`;
}

function checksText(checks: { passed: number; failed: number }, colors: Colors): string {
  const total = checks.passed + checks.failed;
  if (total === 0) return '-';
  const share = formatPercent(checks.passed / total);
  return `${checks.failed > 0 ? colors.red(share) : share}  ✓ ${formatCount(checks.passed)}  ✗ ${formatCount(checks.failed)}`;
}

function errorsText(summary: StepSummary, colors: Colors): string {
  const kinds = Object.entries(summary.errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind}=${formatCount(n)}`);
  const head = `${formatCount(summary.errorCount)} (${formatPercent(summary.errorRate)})`;
  return `${summary.errorCount > 0 ? colors.red(head) : head}${kinds.length > 0 ? `  ${kinds.join(' ')}` : ''}`;
}

/**
 * The end-of-run summary, like k6's: the run and its verdict, thresholds passed or failed with their values, the totals,
 * checks, and a table per step. Read from `GET /runs/:id`, so that it says exactly what the master recorded.
 */
export function runSummaryLines(run: RunResource, colors: Colors): string[] {
  const lines: string[] = [];
  const ran = run.summary ? formatSeconds(run.summary.durationSeconds) : '-';
  lines.push(`  ${colors.bold(`run ${run.id}`)}  ${stateAndVerdict(run, colors)}`);
  lines.push(`    ${dotted('load', describeLoad(run.load), 20)}`);
  const on =
    run.planId === null && run.workers.length === 1 && run.workers[0]!.workerId === 'local'
      ? 'this machine'
      : `${run.workers.length} worker${run.workers.length === 1 ? '' : 's'}`;
  lines.push(`    ${dotted('measured', `${ran} on ${on}`, 20)}`);
  if (run.error) lines.push(`    ${dotted('ended because', colors.yellow(run.error), 20)}`);

  lines.push('', `  ${colors.bold('thresholds')}`);
  if (run.thresholdResults.length === 0) lines.push(colors.dim('    none (pass --threshold to gate on latency, errors or rate)'));
  else for (const outcome of run.thresholdResults) lines.push(thresholdLine(outcome, colors));

  const summary = run.summary;
  lines.push('', `  ${colors.bold('totals')}`);
  if (!summary) {
    lines.push(colors.dim('    no measurements were received'));
    return lines;
  }
  const statuses = Object.entries(summary.statusCodes)
    .map(([code, n]) => `${code}=${formatCount(n)}`)
    .join(' ');
  lines.push(
    `    ${dotted('requests', `${formatCount(summary.requests)}  ${formatRate(summary.rps)}/s`)}`,
    `    ${dotted('latency', latencyLine(summary))}`,
    `    ${dotted('errors', errorsText(summary, colors))}`,
    `    ${dotted('dropped', formatCount(summary.dropped))}`,
    `    ${dotted('checks', checksText(summary.checks, colors))}`,
    `    ${dotted('status codes', statuses || '-')}`,
  );

  const steps = Object.entries(summary.steps);
  if (steps.length > 0) {
    lines.push('', `  ${colors.bold('steps')}`);
    const rows = [
      ['step', 'requests', 'req/s', 'p50', 'p95', 'p99', 'errors', 'checks'],
      ...steps.map(([name, step]) => [
        name,
        formatCount(step.requests),
        formatRate(step.rps),
        formatMicros(step.latencyMicros?.p50),
        formatMicros(step.latencyMicros?.p95),
        formatMicros(step.latencyMicros?.p99),
        formatPercent(step.errorRate),
        checksText(step.checks, colors),
      ]),
    ];
    lines.push(...table(rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']).map((l) => `    ${l}`));
  }
  return lines;
}
