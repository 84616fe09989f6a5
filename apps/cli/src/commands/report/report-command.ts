import type { Command } from 'commander';
import { CliError } from '../../cli-error.js';
import { EXIT } from '../../exit-codes.js';
import { masterClient } from '../../master/master-client.js';
import { masterTarget, withMasterOptions } from '../../master/master-options.js';
import type { Output } from '../../output/output.js';
import { masterReports, wantsReports, writeReports, type ReportFiles } from './report-files.js';

interface ReportOptions extends ReportFiles {
  master?: string;
  token?: string;
}

/** `loadtest report ID --html out.html --json out.json --junit out.xml`: a run's reports, as the master makes them. */
export function reportCommand(program: Command, out: Output): void {
  withMasterOptions(
    program
      .command('report')
      .description("write a run's reports: a self-contained HTML file, the JSON report (docs/report-format.md), JUnit XML")
      .argument('<id>', "the run's id"),
  )
    .option('--html <file>', 'the HTML report (opens offline)')
    .option('--json <file>', 'the JSON report')
    .option('--junit <file>', 'JUnit XML: a test case per threshold and per step with checks')
    .action(async (id: string, options: ReportOptions) => {
      if (!wantsReports(options)) throw new CliError('say which report to write: --html FILE, --json FILE and/or --junit FILE', EXIT.usage);
      await writeReports(masterReports(masterClient(masterTarget(options)), id), options, out);
    });
}
