/**
 * One worker's load path, alone in its own process (the benchmark pins it to
 * one core): the platform's `ShareRun` (libs/engine/src/load/share-run.ts) runs
 * a one-request plan (GET /), or the flow case's 2-step flow (FLOW_CASE), as a master would assign it, records every
 * response's latency into per-second windows and encodes each window — the
 * overhead being measured. There is no master: `publishWindow` only keeps the
 * window; the windows are decoded and summed after the measured interval, so
 * that cost is not the worker's.
 *
 * The worker is loaded from its source at run time, by path, the way the ingest
 * benchmark starts apps/master/src/main.ts as a process: the benchmark measures
 * the app, it does not depend on it at build time (tools may not import apps,
 * see the Nx module boundaries in eslint.config.mjs). The shape it relies on is
 * declared below and checked when the module is loaded.
 *
 * Started by main.ts: node --import tsx tools/bench/src/generator/worker-driver.ts
 * (config in $BENCH_GENERATOR_CONFIG); prints one result line on stdout.
 */
import { decodeWindowBase64, windowTotals } from '@loadtest/metrics';
import { PROTOCOL_VERSION, RunAssignSchema, type RunAssign, type RunWindow } from '@loadtest/protocol';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino, { type Logger } from 'pino';
import { FLOW_CASE, readDriverConfig, RESULT_PREFIX, type DriverResult } from './ipc.js';
import { IntervalProfiler } from './profiler.js';

/** The worker's module under test, relative to the repository root. */
export const SHARE_RUN_MODULE = 'libs/engine/src/load/share-run.ts';

type ShareOutcome = { state: 'finished' | 'stopped'; windows: number } | { state: 'failed'; windows: number; reason: string };

interface ShareRunDeps {
  logger: Logger;
  publishWindow(window: RunWindow): Promise<void>;
  onStarted(): void;
}

type ShareRunClass = new (assignment: RunAssign, deps: ShareRunDeps) => { run(): Promise<ShareOutcome> };

/** Lead between creating the assignment and its start instant: the share waits for it, as on a real worker. */
const START_LEAD_MS = 200;

async function main(): Promise<void> {
  const config = readDriverConfig();
  const logger = pino({ name: 'bench-generator-worker', level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const module = (await import(pathToFileURL(join(config.repoRoot, SHARE_RUN_MODULE)).href)) as { ShareRun?: unknown };
  if (typeof module.ShareRun !== 'function') throw new Error(`${SHARE_RUN_MODULE} exports no ShareRun class`);
  const ShareRun = module.ShareRun as ShareRunClass;

  const flow = config.case === 'flow';
  const assignment: RunAssign = RunAssignSchema.parse({
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: randomUUID(),
    workerId: 'bench-generator',
    plan: flow
      ? { name: 'generator benchmark (flow)', baseUrl: config.baseUrl, steps: FLOW_CASE.workerSteps }
      : { name: 'generator benchmark', baseUrl: config.baseUrl, steps: [{ kind: 'http', name: 'home', method: 'GET', url: '/' }] },
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: config.connections, duration: config.durationSeconds }],
    durationSeconds: config.durationSeconds,
    timeoutSeconds: 10,
    share: { index: 0, count: 1, connections: config.connections },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + START_LEAD_MS,
  });

  const windows: RunWindow[] = [];
  let startedAt = 0;
  let startedHr = 0n;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const share = new ShareRun(assignment, {
    logger,
    publishWindow: (window) => {
      windows.push(window);
      return Promise.resolve();
    },
    onStarted: () => {
      startedAt = Date.now();
      startedHr = process.hrtime.bigint();
      cpuAtStart = process.cpuUsage();
    },
  });
  const profiler = config.profilePath ? new IntervalProfiler() : undefined;
  await profiler?.start();
  const outcome = await share.run();
  const elapsedMs = Number(process.hrtime.bigint() - startedHr) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  const endedAt = Date.now();
  if (profiler) await profiler.stopTo(config.profilePath!);
  if (outcome.state !== 'finished') throw new Error(`the share ended ${outcome.state}${'reason' in outcome ? `: ${outcome.reason}` : ''}`);

  // After the measured interval: what a master would decode.
  let responses = 0;
  let non2xx = 0;
  let errors = 0;
  let encodedChars = 0;
  let windowMs = 0;
  const perSecond: { second: number; durationMs: number; responses: number }[] = [];
  for (const message of windows) {
    const window = decodeWindowBase64(message.data);
    const totals = windowTotals(window);
    let bad = 0;
    for (const [code, n] of Object.entries(totals.statusCodes)) if (!code.startsWith('2')) bad += n;
    responses += totals.requests;
    non2xx += bad;
    errors += totals.errors.timeout + totals.errors.refused + totals.errors.reset + totals.errors.other + totals.errors.interrupted;
    encodedChars += message.data.length;
    windowMs += window.durationMs;
    perSecond.push({ second: window.second, durationMs: window.durationMs, responses: totals.requests });
  }
  const result: DriverResult = {
    tool: flow ? 'worker-flow' : 'worker',
    responses,
    non2xx,
    errors,
    startedAt,
    endedAt,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    detail: {
      module: SHARE_RUN_MODULE,
      outcome: outcome.state,
      windows: windows.length,
      /** Sum of the windows' own durations (capped at the planned end, so a little under the measured interval). */
      windowsDurationMs: windowMs,
      meanEncodedWindowBase64Chars: windows.length > 0 ? Math.round(encodedChars / windows.length) : null,
      perSecond,
    },
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker driver failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
