/**
 * Generator benchmark: one worker (the platform's load path, on one core) vs
 * raw autocannon vs wrk, each alone in its own process pinned to the same CPU,
 * against nginx pinned to another CPU; several rounds in interleaved order.
 * See tools/bench/README.md.
 *
 *   npm run bench:generator                              3 rounds × 3 tools × 10 s
 *   npm run bench:generator -- --rounds 1 --duration 5   a smoke run
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { digestCpuProfile, type CpuProfile } from '../ingest/profile.js';
import { FLOW_CASE, FLOW_TOOLS, TOOLS, type DriverConfig, type FlowTool, type NodeTool, type Tool } from './ipc.js';
import { nginxConfig, startNginx, type RunningNginx } from './nginx.js';
import { parseCommandLine, USAGE, type GeneratorBenchOptions } from './options.js';
import { CpuSampler, waitForQuiet, type QuietCheck } from './proc.js';
import { bundleCli, runCli } from './cli-tool.js';
import {
  buildReport,
  CLI_GOAL,
  FLOW_GOAL,
  formatTable,
  GOAL,
  profiledRun,
  type CliSummary,
  type FlowSummary,
  type ProfiledRun,
  type RunRecord,
} from './report.js';
import { allowedCpus, ensureTools, nginxVersion, wrkVersion } from './setup.js';
import { round } from './stats.js';
import { active, runNodeTool, runWrk, wrkArgs } from './tools.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const logger = pino({ name: 'bench-generator', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function autocannonVersion(): string | null {
  try {
    const require = createRequire(join(REPO_ROOT, 'apps/worker/package.json'));
    return (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

interface Env {
  o: GeneratorBenchOptions;
  nginx: RunningNginx;
  sampler: CpuSampler;
  logDir: string;
  /** The bundled CLI (dist-like, built into the log folder at the start). */
  cliBin: string;
}

/** Runs one generator once and turns what it and /proc say into a record; never throws. */
async function measure(env: Env, tool: Tool, roundNo: number, order: number, quiet: QuietCheck): Promise<RunRecord> {
  const { o, nginx, sampler } = env;
  const base: RunRecord = {
    round: roundNo,
    order,
    tool,
    startedAt: new Date().toISOString(),
    rps: null,
    responses: null,
    elapsedSeconds: null,
    non2xx: null,
    errors: null,
    generatorCpuCores: null,
    responsesPerCpuSecond: null,
    nginxCpuCores: null,
    generatorCpuBusy: null,
    targetCpuBusy: null,
    otherOnGeneratorCpu: null,
    quiet,
    failure: null,
    detail: {},
  };
  const logPath = join(env.logDir, `r${roundNo}-${order}-${tool}.log`);
  try {
    let fromMs: number;
    let toMs: number;
    if (tool === 'wrk') {
      const run = await runWrk(o.generatorCpu, o.connections, o.duration, nginx.url, REPO_ROOT, logPath);
      fromMs = run.process.spawnedAt;
      toMs = run.process.exitedAt;
      const elapsed = run.wrk.durationSeconds;
      Object.assign(base, {
        rps: round(run.wrk.requestsPerSecond, 1),
        responses: run.wrk.requests,
        elapsedSeconds: elapsed,
        non2xx: run.wrk.non2xx3xx,
        errors: run.wrk.socketErrors.connect + run.wrk.socketErrors.read + run.wrk.socketErrors.write + run.wrk.socketErrors.timeout,
        generatorCpuCores: run.cpuSeconds !== null && elapsed ? round(run.cpuSeconds / elapsed, 3) : null,
        responsesPerCpuSecond: run.cpuSeconds && run.wrk.requests !== null ? round(run.wrk.requests / run.cpuSeconds, 0) : null,
        detail: {
          command: run.command,
          latencyMicros: run.wrk.latencyMicros,
          latencyMeanMicros: run.wrk.latencyMeanMicros,
          socketErrors: run.wrk.socketErrors,
          cpuSecondsWithStartup: run.cpuSeconds,
        },
      });
    } else if (tool === 'cli') {
      const run = await runCli(o.generatorCpu, {
        bin: env.cliBin,
        connections: o.connections,
        durationSeconds: o.duration,
        url: nginx.url,
        workDir: env.logDir,
        tag: `r${roundNo}`,
        logPath,
      });
      // The run's own interval: its measured seconds, ending when the command exits (the summary and report after it are not load).
      fromMs = run.process.exitedAt - run.measuredSeconds * 1000;
      toMs = run.process.exitedAt;
      Object.assign(base, {
        rps: round(run.responses / run.measuredSeconds, 1),
        responses: run.responses,
        elapsedSeconds: run.measuredSeconds,
        non2xx: run.non2xx,
        errors: run.errors,
        generatorCpuCores: run.cpuSeconds !== null ? round(run.cpuSeconds / ((run.process.exitedAt - run.process.spawnedAt) / 1000), 3) : null,
        responsesPerCpuSecond: run.cpuSeconds ? round(run.responses / run.cpuSeconds, 0) : null,
        detail: {
          command: run.command,
          firstProgressLineMs: run.firstProgressLineMs,
          startAfterCommandMs: run.startAfterCommandMs,
          cpuSecondsWithStartup: run.cpuSeconds,
          wallSeconds: round((run.process.exitedAt - run.process.spawnedAt) / 1000, 3),
        },
      });
    } else {
      const config: DriverConfig = { baseUrl: nginx.url.replace(/\/$/, ''), connections: o.connections, durationSeconds: o.duration, repoRoot: REPO_ROOT };
      const { result } = await runNodeTool(tool as NodeTool | FlowTool, o.generatorCpu, config, logPath);
      fromMs = result.startedAt;
      toMs = result.endedAt;
      const seconds = result.elapsedMs / 1000;
      Object.assign(base, {
        rps: round(result.responses / seconds, 1),
        responses: result.responses,
        elapsedSeconds: round(seconds, 3),
        non2xx: result.non2xx,
        errors: result.errors,
        generatorCpuCores: round(result.cpuMs / result.elapsedMs, 3),
        responsesPerCpuSecond: result.cpuMs > 0 ? round(result.responses / (result.cpuMs / 1000), 0) : null,
        detail: result.detail,
      });
    }
    // A sample after the run's end, so that the interval is covered.
    sampler.take();
    const usage = sampler.usage(fromMs, toMs);
    if (usage) {
      const busy = usage.cpuBusy[String(o.generatorCpu)] ?? null;
      base.nginxCpuCores = round(usage.watchedCores, 3);
      base.generatorCpuBusy = round(busy, 3);
      base.targetCpuBusy = round(usage.cpuBusy[String(o.targetCpu)] ?? null, 3);
      base.otherOnGeneratorCpu = busy !== null && base.generatorCpuCores !== null ? round(Math.max(0, busy - base.generatorCpuCores), 3) : null;
    }
    if ((base.errors ?? 0) > 0 || (base.non2xx ?? 0) > 0)
      logger.warn({ tool, errors: base.errors, non2xx: base.non2xx }, 'run had errors or non-2xx responses');
  } catch (error) {
    base.failure = (error as Error).message;
    logger.error({ err: error, tool, round: roundNo }, 'run failed');
  }
  return base;
}

async function quietBeforeRun(o: GeneratorBenchOptions, what: string): Promise<QuietCheck> {
  const check = await waitForQuiet(o.quietPattern, o.quietCores, o.quietWaitS * 1000, (c) =>
    logger.info({ busyCores: c.busyCores, blockers: c.blockers.length, waitedS: c.waitedS }, `waiting for a quiet machine before ${what}`),
  );
  if (!check.quiet)
    logger.warn({ busyCores: check.busyCores, blockers: check.blockers, waitedS: check.waitedS }, `machine not quiet before ${what}: measuring anyway`);
  return check;
}

async function profileRuns(env: Env): Promise<ProfiledRun[]> {
  const { o, nginx } = env;
  const out: ProfiledRun[] = [];
  const tools: (NodeTool | FlowTool)[] = [
    ...(o.cases.includes('get') ? (['worker', 'autocannon'] as const) : []),
    ...(o.cases.includes('flow') ? FLOW_TOOLS : []),
  ];
  for (const tool of tools) {
    await quietBeforeRun(o, `the profiled ${tool} run`);
    const profilePath = join(env.logDir, `profile-${tool}.cpuprofile`);
    const config: DriverConfig = {
      baseUrl: nginx.url.replace(/\/$/, ''),
      connections: o.connections,
      durationSeconds: o.profileDuration,
      repoRoot: REPO_ROOT,
      profilePath,
    };
    try {
      const { result } = await runNodeTool(tool, o.generatorCpu, config, join(env.logDir, `profile-${tool}.log`));
      // The worker's own code is the engine's (libs/engine) and the worker app's.
      const digest = digestCpuProfile(JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile, 20, undefined, /\/(apps\/worker|libs\/engine)\//);
      out.push(profiledRun(tool, o.profileDuration, result.responses, result.elapsedMs, digest, relative(REPO_ROOT, profilePath)));
      logger.info({ tool, responses: result.responses, busyMs: digest.busyMs }, 'profiled run done');
    } catch (error) {
      logger.error({ err: error, tool }, 'profiled run failed');
    }
  }
  return out;
}

/** The tools of one round, in their order: the get case's, then the flow case's. */
function toolsOf(o: GeneratorBenchOptions): Tool[] {
  return [...(o.cases.includes('get') ? TOOLS : []), ...(o.cases.includes('flow') ? FLOW_TOOLS : [])];
}

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = command.options;
  const out = isAbsolute(o.out) ? o.out : resolve(REPO_ROOT, o.out);
  const logDir = join(REPO_ROOT, 'bench-results', 'generator-logs.tmp');
  const allowed = allowedCpus();
  for (const cpu of [o.generatorCpu, o.targetCpu]) {
    if (allowed ? !allowed.includes(cpu) : cpu >= cpus().length)
      throw new Error(`CPU ${cpu} is not available here (allowed: ${allowed?.join(',') ?? `0-${cpus().length - 1}`})`);
  }
  ensureTools(o.install, logger);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const date = new Date().toISOString();
  const machine = {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    note: 'shared, noisy machine; each generator alone on its CPU, nginx alone on another',
  };
  const code = {
    commit: git(['rev-parse', 'HEAD']),
    /** Uncommitted changes in the code under test when the benchmark ran. */
    uncommitted: (git(['status', '--porcelain', '--', 'apps/worker', 'libs']) ?? '').split('\n').filter((l) => l.trim() !== ''),
  };
  const parameters = {
    connections: o.connections,
    durationSeconds: o.duration,
    rounds: o.rounds,
    cases: o.cases,
    order: `${toolsOf(o).join(', ')} in every round`,
    request: 'GET / (nginx answers 200 "ok", keep-alive)',
    flowCase: { worker: { steps: FLOW_CASE.workerSteps }, autocannon: { requests: FLOW_CASE.autocannonRequests }, note: 'nginx answers 200 "ok" to both' },
    generatorCpu: o.generatorCpu,
    targetCpu: o.targetCpu,
    worker:
      'libs/engine/src/load/share-run.ts ShareRun, one-request plan, timeoutSeconds 10; its generator runs autocannon with sampleInt 100 and skipAggregateResult (libs/engine/src/load/generator.ts); windows kept, decoded after the run',
    cli: "loadtest run PLAN --vus <connections> --duration <duration>s --threads 1 --json REPORT, the CLI bundled by apps/cli/scripts/bundle.mjs and run with node, no master (the same one-request plan); requests/s = the report summary's requests ÷ its durationSeconds",
    autocannon: `autocannon ${autocannonVersion() ?? '?'} (the worker's copy) with its defaults (sampleInt 1000, timeout 10 s), requests [GET /]`,
    wrk: `wrk ${wrkArgs(o.connections, o.duration, '<url>').join(' ')} (${wrkVersion() ?? '?'})`,
    quiet: { cores: o.quietCores, waitS: o.quietWaitS, pattern: o.quietPattern, overSeconds: 2 },
    profileDurationSeconds: o.profileDuration,
  };
  logger.info({ parameters, out: relative(REPO_ROOT, out) }, 'generator benchmark starting');

  const nginx = await startNginx(o.targetCpu, o.connections);
  logger.info({ url: nginx.url, pids: nginx.pids, cpu: o.targetCpu }, 'nginx started');
  const target = {
    server: `nginx ${nginxVersion() ?? '?'}`,
    cpu: o.targetCpu,
    url: nginx.url,
    processes: nginx.pids.length,
    config: nginxConfig('<tmpdir>', nginx.port, o.connections),
  };
  const sampler = new CpuSampler(() => nginx.pids);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    logger.warn({ signal }, 'interrupted: stopping the generator and nginx');
    active.kill?.();
    sampler.stop();
    void nginx
      .stop(2000)
      .catch(() => nginx.killNow())
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    // Never leave nginx or a generator behind, whatever happened.
    active.kill?.();
    nginx.killNow();
  });

  const cliBin = bundleCli(REPO_ROOT, join(logDir, 'cli'));
  const env: Env = { o, nginx, sampler, logDir, cliBin };
  const runs: RunRecord[] = [];
  let profiles: ProfiledRun[] = [];
  const ctx = () => ({ date, machine, code, parameters, target });
  try {
    sampler.start(100);
    // Warm nginx up (not measured).
    await runWrk(o.generatorCpu, o.connections, 2, nginx.url, REPO_ROOT, join(logDir, 'warmup-wrk.log')).catch((error: unknown) =>
      logger.warn({ err: error }, 'warm-up failed'),
    );
    let order = 0;
    for (let r = 1; r <= o.rounds && !interrupted; r++) {
      for (const tool of toolsOf(o)) {
        if (interrupted) break;
        const quiet = await quietBeforeRun(o, `${tool} round ${r}`);
        if (interrupted) break;
        const record = await measure(env, tool, r, ++order, quiet);
        if (interrupted) break;
        runs.push(record);
        logger.info(
          {
            round: r,
            tool,
            rps: record.rps,
            cpu: record.generatorCpuCores,
            nginxCpu: record.nginxCpuCores,
            other: record.otherOnGeneratorCpu,
            failure: record.failure,
          },
          'run done',
        );
        writeJson(`${out}.partial.tmp`, buildReport(runs, ctx()));
      }
    }
    if (o.profileDuration > 0 && !interrupted) profiles = await profileRuns(env);
  } finally {
    sampler.stop();
    if (!interrupted) {
      await nginx.stop();
      logger.info('nginx stopped');
    }
  }
  if (interrupted) return;
  const report = buildReport(runs, ctx(), profiles);
  writeJson(out, report);
  rmSync(`${out}.partial.tmp`, { force: true });
  const f = (v: unknown, d: number) => (typeof v === 'number' ? v.toFixed(d) : '?');
  process.stdout.write(
    `\nGenerator benchmark (${o.connections} connections, ${o.duration} s per run, ${o.rounds} rounds; generators on CPU ${o.generatorCpu}, nginx on CPU ${o.targetCpu})\n\n` +
      `${formatTable(runs, o.rounds)}\n\n` +
      `worker ÷ autocannon: ${f(report.ratioToAutocannon, 3)} (goal ≥ ${GOAL.ratioToAutocannon}: ${report.meetsGoal ? 'met' : 'NOT met'})   worker ÷ wrk: ${f(report.ratioToWrk, 3)}\n\n` +
      (report.cli
        ? `loadtest run (CLI, no master) ÷ autocannon: ${f((report.cli as CliSummary).ratioToAutocannon, 3)} (goal ≥ ${CLI_GOAL.ratioToAutocannon}: ${(report.cli as CliSummary).meetsGoal ? 'met' : 'NOT met'}; paired median ${f((report.cli as CliSummary).pairedRatios.median, 3)}); first progress line ${f((report.cli as CliSummary).firstProgressLineMsMedian, 0)} ms after the command (goal ≤ ${CLI_GOAL.firstProgressLineMs})\n\n`
        : '') +
      (report.flow
        ? `flow case, worker ÷ autocannon: ${f((report.flow as FlowSummary).ratioToAutocannon, 3)} (goal ≥ ${FLOW_GOAL.ratioToAutocannon}: ${(report.flow as FlowSummary).meetsGoal ? 'met' : 'NOT met'}; paired median ${f((report.flow as FlowSummary).pairedRatios.median, 3)})\n\n`
        : '') +
      `limits: ${String(report.limits)}\n\nwritten to ${relative(REPO_ROOT, out)} (process logs in ${relative(REPO_ROOT, logDir)})\n`,
  );
  if (runs.every((r) => r.failure !== null)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'generator benchmark failed');
  process.exitCode = 1;
});
