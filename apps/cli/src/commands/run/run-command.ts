import { ENDED_RUN_STATES, PlanResourceSchema, RunResourceSchema, type RunResource, type RunStatus } from '@loadtest/protocol';
import { Option, type Command } from 'commander';
import { CliError } from '../../cli-error.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { masterClient, type MasterApi } from '../../master/master-client.js';
import { masterTarget, withMasterOptions, type MasterTarget } from '../../master/master-options.js';
import { followRun, type LiveRun } from '../../master/live-run.js';
import type { Output } from '../../output/output.js';
import { readPlanFile } from '../../plan-file/read-plan-file.js';
import type { CommandStatus } from '../../run-status.js';
import { positiveInteger, positiveNumber } from '../option-values.js';
import { onInterrupt } from './interrupt.js';
import { plainView, terminalView, type LiveView } from './live-view.js';
import { applyWindow, initialProgress } from './progress.js';
import { printRunEnd, printRunHeader } from './run-output.js';
import { runOnThisMachine, type LocalRunCommandOptions } from './run-local.js';
import { masterReports, wantsReports, writeReports } from '../report/report-files.js';
import { DEFAULT_VUS, startRunBody } from './run-options.js';

interface RunCommandOptions extends LocalRunCommandOptions {
  master?: string;
  token?: string;
}

/** While the live stream works, the REST API is asked now and then too, in case an end event is missed; without it, every second. */
const POLL_WITH_LIVE_MS = 5000;
const POLL_WITHOUT_LIVE_MS = 1000;
/** How long the master may stay unreachable during a run before the CLI gives up following it. */
const UNREACHABLE_GIVE_UP_MS = 30_000;

const ended = (state: RunStatus) => ENDED_RUN_STATES.includes(state);
const collect = (value: string, previous: string[]) => [...previous, value];

export function runCommand(program: Command, out: Output, status: CommandStatus): void {
  withMasterOptions(
    program
      .command('run')
      .description(
        "run a plan on this machine (or on a master with --master), follow it live, print a summary, and exit with the thresholds' verdict (99 when one failed)",
      )
      .argument('<plan>', 'the plan file (YAML or JSON)'),
  )
    .addOption(new Option('--vus <n>', `constant VUs (default ${DEFAULT_VUS}); the peak with --preset`).argParser(positiveInteger('--vus')))
    .option('--duration <duration>', 'how long: 30s, 5m, 1m30s (default 10s; a preset has its own)')
    .addOption(new Option('--rate <per-second>', 'iterations started per second (open model: constant-arrival-rate)').argParser(positiveNumber('--rate')))
    .addOption(new Option('--max-vus <n>', 'with --rate: the most connections it may keep busy').argParser(positiveInteger('--max-vus')))
    .option('--preset <name>', 'LOAD, STRESS, SPIKE or SOAK, shaped up to --vus')
    .option('--graceful-stop <duration>', 'time the requests in progress at the end may take (default 10s)')
    .option('--timeout <duration>', 'per-request timeout (default 10s)')
    .option('--threshold <expression>', "a pass/fail criterion, repeatable: 'p(95)<300ms', 'error_rate<1%', 'http_req_failed: rate<0.01'", collect, [])
    .option('--abort-threshold <expression>', 'a threshold that also ends the run as soon as it fails (abortOnFail)', collect, [])
    .option('--abort-grace <duration>', 'with --abort-threshold: do not abort during the first seconds')
    .option('--html <file>', 'at the end (Ctrl-C too), write the HTML report here')
    .option('--json <file>', 'at the end, write the JSON report here')
    .option('--junit <file>', 'at the end, write JUnit XML here (a test case per threshold and per step with checks)')
    .addOption(
      new Option('--threads <n>', 'without --master: engine threads to run on, each its own core (default: every core)').argParser(
        positiveInteger('--threads'),
      ),
    )
    .action(async (file: string, options: RunCommandOptions) => {
      status.exitCode = options.master?.trim() ? await runOnMaster(file, options, out) : await runOnThisMachine(file, options, out);
    });
}

/** Ctrl-C's state: asked once (stop cleanly), and the run to stop once it is known. */
interface Interruption {
  asked: boolean;
  stop?: () => void;
  /** The run, once started: named when quitting at once, so that the user can find it again. */
  runId?: string;
  /** Leaves the terminal as it was (the live view hides the cursor) before quitting at once. */
  restore?: () => void;
}

async function runOnMaster(file: string, options: RunCommandOptions, out: Output): Promise<ExitCode> {
  const target = masterTarget(options);
  const request = startRunBody(options);
  if (!request.ok) throw new CliError('invalid run options', EXIT.usage, request.errors);
  const plan = await readPlanFile(file);
  const api = masterClient(target);

  const interruption: Interruption = { asked: false };
  const removeInterrupt = onInterrupt(
    () => {
      interruption.asked = true;
      interruption.stop?.();
    },
    () => {
      interruption.restore?.();
      const show = interruption.runId ? `loadtest runs show ${interruption.runId}` : 'loadtest runs list';
      out.error(`interrupted again: quitting at once (the run may go on on the master: ${show})`);
      process.exit(EXIT.interrupted);
    },
  );
  try {
    const stored = await api.call('POST', '/plans', PlanResourceSchema, { body: plan });
    if (interruption.asked) throw new CliError('interrupted before the run started', EXIT.interrupted);
    const run = await api.call('POST', `/plans/${stored.id}/runs`, RunResourceSchema, { body: request.body });
    interruption.runId = run.id;
    printRunHeader(out, { id: run.id, planName: plan.name, where: target.url, load: run.load, thresholds: run.thresholds });
    const view = out.isTTY ? terminalView(out) : plainView(out);
    interruption.restore = () => view.stop();
    const final = await follow(api, target, run, view, interruption);
    return await printRunEnd(
      out,
      final,
      interruption.asked,
      wantsReports(options) ? () => writeReports(masterReports(api, final.id), options, out) : undefined,
    );
  } finally {
    removeInterrupt();
  }
}

/** Follows the run until it has ended, live over Socket.IO with the REST API as a safety net; returns the run as recorded at its end. */
async function follow(api: MasterApi, target: MasterTarget, run: RunResource, view: LiveView, interruption: Interruption): Promise<RunResource> {
  let progress = initialProgress(run.load.durationSeconds, run.thresholdResults);
  const told = new Set<string>();
  const noteOnce = (text: string) => {
    if (told.has(text)) return;
    told.add(text);
    view.note(text);
  };
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  interruption.stop = () => {
    view.note('stopping the run on the master… (Ctrl-C again to quit at once)');
    api
      .call('POST', `/runs/${run.id}/stop`, RunResourceSchema, { tolerate: [409] })
      .catch((error: unknown) => view.note(`could not stop the run: ${String((error as Error).message)}`));
  };
  if (interruption.asked) interruption.stop();

  let live: LiveRun | undefined;
  try {
    live = await followRun(target, run.id, {
      window: (event) => {
        progress = applyWindow(progress, event);
        view.update(progress);
      },
      state: (event) => {
        if (ended(event.state)) finish();
        else noteOnce(event.state === 'running' ? 'the run started' : `the run is ${event.state}`);
      },
      problem: noteOnce,
    });
    if (ended(live.state)) finish();
  } catch (error) {
    noteOnce(`no live stream (${error instanceof Error ? error.message : String(error)}): following the run over the REST API`);
  }

  let unreachableSince: number | undefined;
  const poll = setInterval(
    () => {
      api.call('GET', `/runs/${run.id}`, RunResourceSchema).then(
        (now) => {
          unreachableSince = undefined;
          if (ended(now.state)) finish();
        },
        (error: unknown) => {
          unreachableSince ??= Date.now();
          if (Date.now() - unreachableSince > UNREACHABLE_GIVE_UP_MS) fail(error);
          else noteOnce(`the master does not answer; retrying (${(error as Error).message})`);
        },
      );
    },
    live ? POLL_WITH_LIVE_MS : POLL_WITHOUT_LIVE_MS,
  );
  try {
    await done;
  } finally {
    clearInterval(poll);
    live?.close();
    view.stop();
  }
  return api.call('GET', `/runs/${run.id}`, RunResourceSchema);
}
