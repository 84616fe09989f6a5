import type { RunLoad, RunResource, ThresholdSpec } from '@loadtest/protocol';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { Output } from '../../output/output.js';
import { describeLoad } from '../../run-view/describe-load.js';
import { runSummaryLines } from '../../run-view/run-summary.js';
import { runExit } from './run-exit.js';

/** The lines before the live view: which run, where, its load and thresholds. */
export function printRunHeader(out: Output, run: { id: string; planName: string; where: string; load: RunLoad; thresholds: readonly ThresholdSpec[] }): void {
  out.line(`${out.colors.bold('loadtest')} run ${run.id} of plan "${run.planName}" on ${run.where}`);
  out.line(`  load: ${describeLoad(run.load)}`);
  if (run.thresholds.length > 0)
    out.line(`  thresholds: ${run.thresholds.map((t) => `${t.expression}${t.step ? ` [${t.step}]` : ''}${t.abortOnFail ? ' (aborts)' : ''}`).join(', ')}`);
}

/**
 * The end of `loadtest run`, on a master or here: the summary, the reports (whatever the verdict, Ctrl-C included: a
 * failed run's report is the one people open), and the exit code with the line that explains it.
 */
export async function printRunEnd(out: Output, run: RunResource, interruptedByUser: boolean, writeReports?: () => Promise<void>): Promise<ExitCode> {
  out.line('');
  for (const line of runSummaryLines(run, out.colors)) out.line(line);
  if (writeReports) {
    out.line('');
    await writeReports();
  }
  const exit = runExit(run, interruptedByUser);
  out.line('');
  out.line(`${exit.code === EXIT.ok ? out.colors.green('✓') : out.colors.red('✗')} ${exit.reason} (exit code ${exit.code})`);
  return exit.code;
}
