import { RunResourceSchema } from '@loadtest/protocol';
import type { Command } from 'commander';
import { masterClient } from '../../master/master-client.js';
import { masterTarget, withMasterOptions } from '../../master/master-options.js';
import type { Output } from '../../output/output.js';
import { table } from '../../output/table.js';
import { runSummaryLines } from '../../run-view/run-summary.js';

interface ShowOptions {
  master?: string;
  token?: string;
  json?: boolean;
}

/** `loadtest runs show ID`: the run's summary as `loadtest run` prints it at the end, and its workers. */
export function runsShowCommand(runs: Command, out: Output): void {
  withMasterOptions(runs.command('show').description('show one run: state, verdict, thresholds, totals, steps and workers').argument('<id>', "the run's id"))
    .option('--json', "print the master's JSON answer")
    .action(async (id: string, options: ShowOptions) => {
      const api = masterClient(masterTarget(options));
      const run = await api.call('GET', `/runs/${encodeURIComponent(id)}`, RunResourceSchema);
      if (options.json) {
        out.line(JSON.stringify(run, null, 2));
        return;
      }
      for (const line of runSummaryLines(run, out.colors)) out.line(line);
      if (run.workers.length > 0) {
        out.line();
        out.line(`  ${out.colors.bold('workers')}`);
        const rows = [
          ['worker', 'share', 'VUs', 'state', 'windows', 'reason'],
          ...run.workers.map((w) => [w.workerId, w.shareId, String(w.connections), w.state, String(w.windows), w.reason ?? '']),
        ];
        for (const line of table(rows, ['left', 'left', 'right', 'left', 'right', 'left'])) out.line(`    ${line}`);
      }
    });
}
