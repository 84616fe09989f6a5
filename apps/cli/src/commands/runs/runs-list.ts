import { RUN_PAGE_MAX, RunListSchema, RUN_STATES, type RunResource } from '@loadtest/protocol';
import { Option, type Command } from 'commander';
import { masterClient } from '../../master/master-client.js';
import { masterTarget, withMasterOptions } from '../../master/master-options.js';
import type { Output } from '../../output/output.js';
import { formatCount, formatMicros, formatPercent, formatRate, formatSeconds } from '../../output/format.js';
import { table } from '../../output/table.js';
import { positiveInteger } from '../option-values.js';

interface ListOptions {
  master?: string;
  token?: string;
  plan?: string;
  state?: string;
  verdict?: string;
  limit?: number;
  json?: boolean;
}

/** The list's query string, from the options the user gave (the master checks the values and names a bad one). */
export function runListQuery(options: Pick<ListOptions, 'plan' | 'state' | 'verdict' | 'limit'>): string {
  const query = new URLSearchParams();
  if (options.plan) query.set('planId', options.plan);
  if (options.state) query.set('state', options.state);
  if (options.verdict) query.set('verdict', options.verdict);
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** One row of the run table: what a user scans for (state, verdict, size, speed, latency, errors). */
export function runRow(run: RunResource): string[] {
  const s = run.summary;
  return [
    run.id,
    run.state,
    run.verdict ?? '-',
    run.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    formatSeconds(run.load.durationSeconds),
    s ? formatCount(s.requests) : '-',
    s ? formatRate(s.rps) : '-',
    formatMicros(s?.latencyMicros?.p95),
    s ? formatPercent(s.errorRate) : '-',
  ];
}

export function runTable(runs: readonly RunResource[]): string[] {
  return table(
    [['ID', 'STATE', 'VERDICT', 'CREATED', 'PLANNED', 'REQUESTS', 'RPS', 'P95', 'ERRORS'], ...runs.map(runRow)],
    ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** `loadtest runs list [--plan ID --state S --limit N]`: the master's runs, newest first. */
export function runsListCommand(runs: Command, out: Output): void {
  withMasterOptions(runs.command('list').description('list runs, newest first'))
    .option('--plan <id>', "only this plan's runs")
    .option('--state <states>', `only runs in these states, comma-separated (${RUN_STATES.join(', ')})`)
    .addOption(new Option('--verdict <verdict>', 'only ended runs with this verdict').choices(['passed', 'failed']))
    .addOption(new Option('--limit <n>', `how many (1-${RUN_PAGE_MAX}, default 20)`).argParser(positiveInteger('--limit')))
    .option('--json', "print the master's JSON answer")
    .action(async (options: ListOptions) => {
      const api = masterClient(masterTarget(options));
      const list = await api.call('GET', `/runs${runListQuery(options)}`, RunListSchema);
      if (options.json) {
        out.line(JSON.stringify(list, null, 2));
        return;
      }
      if (list.items.length === 0) {
        out.line('no runs');
        return;
      }
      for (const line of runTable(list.items)) out.line(line);
      if (list.nextCursor) out.line(out.colors.dim(`… more runs: raise --limit (at most ${RUN_PAGE_MAX}) or narrow with --plan, --state, --verdict`));
    });
}
