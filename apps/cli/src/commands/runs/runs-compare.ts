import { RunResourceSchema } from '@loadtest/protocol';
import type { Command } from 'commander';
import { masterClient } from '../../master/master-client.js';
import { masterTarget, withMasterOptions } from '../../master/master-options.js';
import type { Output } from '../../output/output.js';
import { table } from '../../output/table.js';
import { compareRows } from './compare-rows.js';

interface CompareOptions {
  master?: string;
  token?: string;
  json?: boolean;
}

/** `loadtest runs compare A B`: two runs side by side, with the differences (B − A). */
export function runsCompareCommand(runs: Command, out: Output): void {
  withMasterOptions(
    runs
      .command('compare')
      .description('compare two runs: requests, rps, p50/p95/p99, error rate, verdicts and thresholds, with the differences')
      .argument('<a>', 'the first run (the baseline)')
      .argument('<b>', 'the second run'),
  )
    .option('--json', "print both runs as the master's JSON, { a, b }")
    .action(async (idA: string, idB: string, options: CompareOptions) => {
      const api = masterClient(masterTarget(options));
      const [a, b] = await Promise.all([idA, idB].map((id) => api.call('GET', `/runs/${encodeURIComponent(id)}`, RunResourceSchema)));
      if (options.json) {
        out.line(JSON.stringify({ a, b }, null, 2));
        return;
      }
      for (const line of table(compareRows(a!, b!), ['left', 'right', 'right', 'right'])) out.line(line);
    });
}
