/**
 * Ingest benchmark: simulated workers (a few processes, many workers each)
 * publish a window per second each through the real RabbitMQ to the real
 * master on the real PostgreSQL while Socket.IO clients watch the run; the
 * ladder runs --runs times and the headline figures are the medians. See
 * tools/bench/README.md.
 *
 *   npm run bench:ingest                                                            the ladder, 3 times
 *   npm run bench:ingest -- --workers 50 --duration 10 --runs 1 --out /tmp/x.json   a smoke run
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { emergencyCleanup, runStep, within, type BenchEnv } from './bench.js';
import { createDatabase } from './infra.js';
import { shippedMasterNodeFlags } from './master.js';
import { parseCommandLine, USAGE, type BenchOptions } from './options.js';
import { buildReport, formatTable, type StepResult } from './report.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const logger = pino({ name: 'bench-ingest', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** A path relative to the repository when it is inside it, else as it is. */
function shown(path: string): string {
  const r = relative(REPO_ROOT, path);
  return r.startsWith('..') ? path : r;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

const DATABASE_TIMEOUT_MS = 60_000;

/** Between the last passing and the first failing count, halfway, rounded to 10. */
function nextRefinement(steps: readonly StepResult[]): number | null {
  const passing = steps.filter((s) => s.passed).map((s) => s.workers);
  const lo = passing.length > 0 ? Math.max(...passing) : null;
  if (lo === null) return null;
  const above = steps.filter((s) => !s.passed && s.workers > lo).map((s) => s.workers);
  if (above.length === 0) return null;
  const hi = Math.min(...above);
  const mid = Math.round((lo + hi) / 2 / 10) * 10;
  return mid > lo && mid < hi ? mid : null;
}

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o: BenchOptions = command.options;
  const out = isAbsolute(o.out) ? o.out : resolve(REPO_ROOT, o.out);
  const logDir = join(REPO_ROOT, 'bench-results', 'ingest-logs.tmp');
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  // The bundle as `npm start` builds it: rebuilt here when a source changed since, so that the master measured is this code.
  if (o.masterBundle)
    execFileSync(process.execPath, [join('tools', 'start', 'start.mjs'), '--build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const cores = cpus().length;
  const date = new Date().toISOString();
  const machine = {
    cores,
    cpuModel: cpus()[0]?.model ?? null,
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    note: 'shared, noisy machine: the simulators, RabbitMQ and PostgreSQL run on the same cores as the master',
  };
  const code = {
    commit: git(['rev-parse', 'HEAD']),
    /** Uncommitted changes in the code under test when the benchmark ran. */
    uncommitted: (git(['status', '--porcelain', '--', 'apps', 'libs']) ?? '').split('\n').filter((l) => l.trim() !== ''),
  };
  const parameters = {
    runs: o.runs,
    ladder: o.workers,
    durationSeconds: o.duration,
    rpsPerWorker: o.rps,
    stepsPerWindow: ['login', 'search'],
    workersPerSimulatorProcess: o.workersPerProcess,
    socketClients: o.clients,
    windowPoolPerSecond: o.poolSize,
    refine: o.refine,
    stopOnFail: o.stopOnFail,
    cpuLimitCores: o.cpuLimit,
    p99LimitMs: o.p99LimitMs,
    masterRssLimitMb: o.masterRssLimitMb,
    quietCores: o.quietCores,
    quietWaitS: o.quietWaitS,
    masterFrom: o.masterBundle ? 'bundle (tools/start/start.mjs)' : 'sources (tsx)',
    masterNodeFlags: o.masterNodeFlags ?? shippedMasterNodeFlags(REPO_ROOT),
    masterEnv: {
      LOG_LEVEL: o.masterLogLevel,
      WORKER_MISSING_AFTER_MS: 10000,
      RUN_START_LEAD_MS: o.startLeadMs ?? "the master's default (apps/master/src/config.ts)",
    },
    profileWorkers: o.profileWorkers ?? 'largest count tried',
    profileDurationSeconds: o.profileDuration ?? Math.min(20, o.duration),
    seed: o.seed,
  };
  logger.info({ parameters, out: shown(out) }, 'ingest benchmark starting');

  const env: BenchEnv = { options: o, repoRoot: REPO_ROOT, database: undefined, logDir, logger, cores, active: {} };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    logger.warn({ signal }, 'interrupted: cleaning up');
    void emergencyCleanup(env)
      .then(() => env.database?.drop())
      .catch((error: unknown) => logger.error({ err: error }, 'cleanup after interrupt failed'))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    // Never leave a master or a simulator behind, whatever happened.
    env.active.fleet?.killNow();
    env.active.master?.kill('benchmark exited');
  });

  const runs: StepResult[][] = [];
  let profiled: StepResult | undefined;
  const report = () =>
    buildReport(runs, { date, machine, code, parameters, criteria: { cpuLimit: o.cpuLimit, p99LimitMs: o.p99LimitMs }, cores }, undefined, profiled);
  /** One database per run of the ladder (each step of it a fresh master), dropped after it. */
  const withDatabase = async (what: string, body: () => Promise<void>): Promise<void> => {
    const database = await within(createDatabase(o.pgUrl), DATABASE_TIMEOUT_MS, `creating the database for ${what}`);
    env.database = database;
    logger.info({ database: database.name, for: what }, 'database created');
    try {
      await body();
    } finally {
      await within(database.drop(), DATABASE_TIMEOUT_MS, `dropping ${database.name}`).catch((error: unknown) =>
        logger.error({ err: error, database: database.name }, 'cannot drop the benchmark database'),
      );
      env.database = undefined;
      logger.info({ database: database.name }, 'database dropped');
    }
  };
  const runOne = async (run: number, steps: StepResult[], workers: number): Promise<StepResult> => {
    const label = `r${run}-s${steps.length + 1}-${workers}`;
    logger.info({ run, step: label, workers }, 'step starting');
    const step = await runStep(env, workers, label, { run, durationSeconds: o.duration, profile: false });
    steps.push(step);
    logger.info(
      {
        run,
        workers,
        passed: step.passed,
        failures: step.failures,
        masterCpu: step.master.cpuCoresMean,
        p99: step.latency.p99Ms,
        assignMs: step.timings.assignmentsArrivedMs.last,
        machineBusy: step.machineLoad.busyCores,
        stored: step.windows.storedPerApi ?? step.windows.storedInDb,
        expected: step.windows.expected,
      },
      'step done',
    );
    writeJson(`${out}.partial.tmp`, report());
    return step;
  };
  for (let run = 1; run <= o.runs && !interrupted; run++) {
    const steps: StepResult[] = [];
    runs.push(steps);
    await withDatabase(`run ${run}`, async () => {
      for (const workers of o.workers) {
        if (interrupted) break;
        const step = await runOne(run, steps, workers);
        if (!step.passed && o.stopOnFail) {
          logger.info({ run }, 'stopping the ladder at the first failing step (--stop-on-fail)');
          break;
        }
      }
      for (let r = 0; r < o.refine && !interrupted; r++) {
        const workers = nextRefinement(steps);
        if (workers === null) break;
        await runOne(run, steps, workers);
      }
    });
  }
  const profileWorkers = o.profileWorkers ?? Math.max(0, ...runs.flat().map((s) => s.workers));
  if (profileWorkers > 0 && !interrupted) {
    const durationSeconds = o.profileDuration ?? Math.min(20, o.duration);
    await withDatabase('the profiled run', async () => {
      logger.info({ workers: profileWorkers, durationSeconds }, 'profiled run starting (not counted in the verdict)');
      profiled = await runStep(env, profileWorkers, `profile-${profileWorkers}`, { run: 0, durationSeconds, profile: true });
      logger.info({ workers: profileWorkers, masterCpu: profiled.master.cpuCoresMean, profiledBusyMs: profiled.profile?.busyMs ?? null }, 'profiled run done');
    });
  }
  if (interrupted) return;
  const final = report();
  writeJson(out, final);
  rmSync(`${out}.partial.tmp`, { force: true });
  process.stdout.write(
    `\nIngest benchmark (${o.runs} runs, ${o.duration} s per step, ${o.rps} req/s per worker, ${o.clients} socket clients)\n\n${formatTable(runs.flat())}\n\n` +
      `workers sustained: ${String(final.workersSustained)} (median; per run ${runs.map((r) => Math.max(0, ...r.filter((s) => s.passed).map((s) => s.workers))).join(', ')})\n` +
      `assignMs at the headline step: ${String(final.assignMs)} ms (median)\n` +
      `shortfalls: ${(final.shortfalls as string[]).join(' | ') || 'none'}\n\n` +
      `limits: ${String(final.limits)}\n\nwritten to ${shown(out)} (process logs in ${relative(REPO_ROOT, logDir)})\n`,
  );
  if (runs.flat().every((s) => s.runId === null)) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'ingest benchmark failed');
    process.exitCode = 1;
  })
  .finally(() => {
    // A wait abandoned at its bound (a database or broker call) may still hold a socket: never let it keep the process.
    setTimeout(() => process.exit(), 5000).unref();
  });
