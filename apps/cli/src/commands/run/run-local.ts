import { buildRunReport, renderReportHtml, renderReportJunit } from '@loadtest/report';
import { hostname } from 'node:os';
import pino from 'pino';
import { CliError } from '../../cli-error.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { LocalRun, localRunRequest, type LocalRunResult } from '../../local/local-run.js';
import type { Output } from '../../output/output.js';
import { readPlanFile } from '../../plan-file/read-plan-file.js';
import { wantsReports, writeReports, type ReportFiles, type ReportSource } from '../report/report-files.js';
import { onInterrupt } from './interrupt.js';
import { plainView, terminalView } from './live-view.js';
import { applyWindow, initialProgress } from './progress.js';
import { printRunEnd, printRunHeader } from './run-output.js';
import { startRunBody, type RunOptions } from './run-options.js';

export interface LocalRunCommandOptions extends RunOptions, ReportFiles {
  threads?: number;
}

/** The reports of a run made here, rendered by the same library the master serves them with. */
function localReports(result: LocalRunResult, plan: Parameters<typeof buildRunReport>[0]['plan']): ReportSource {
  const report = buildRunReport({ run: result.run, plan, ...result.windows });
  return async (extension) => {
    if (extension === 'html') return renderReportHtml(report);
    if (extension === 'xml') return renderReportJunit(report, { hostname: hostname() });
    return `${JSON.stringify(report, null, 2)}\n`;
  };
}

/**
 * `loadtest run plan.yaml` with no master: the plan runs on this machine with the workers' engine, on every core
 * (or `--threads`), followed live, summarised and judged exactly as a run on a master.
 */
export async function runOnThisMachine(file: string, options: LocalRunCommandOptions, out: Output): Promise<ExitCode> {
  const request = startRunBody(options);
  if (!request.ok) throw new CliError('invalid run options', EXIT.usage, request.errors);
  const plan = await readPlanFile(file);
  const checked = localRunRequest(plan, request.body);
  // The engine's log is for diagnosing the CLI itself: silent unless LOG_LEVEL asks, and on stderr, never in the summary.
  const logger = pino({ name: 'loadtest', level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2));

  const view = out.isTTY ? terminalView(out) : plainView(out);
  let progress = initialProgress(checked.load.durationSeconds);
  const local = new LocalRun(plan, checked, {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    logger,
    onWindow: (event) => {
      progress = applyWindow(progress, event);
      view.update(progress);
    },
  });
  let interrupted = false;
  const removeInterrupt = onInterrupt(
    () => {
      interrupted = true;
      view.note('stopping the run… (Ctrl-C again to quit at once)');
      local.stop();
    },
    () => {
      view.stop();
      out.error('interrupted again: quitting at once (no summary, no report)');
      process.exit(EXIT.interrupted);
    },
  );
  try {
    printRunHeader(out, { id: local.id, planName: plan.name, where: 'this machine', load: checked.load, thresholds: checked.body.thresholds });
    progress = initialProgress(checked.load.durationSeconds, local.thresholdResults);
    // A first line at once, before the first second has been measured: the run is under way.
    view.update(progress);
    let result: LocalRunResult;
    try {
      result = await local.run();
    } finally {
      view.stop();
    }
    return await printRunEnd(out, result.run, interrupted, wantsReports(options) ? () => writeReports(localReports(result, plan), options, out) : undefined);
  } finally {
    removeInterrupt();
  }
}
