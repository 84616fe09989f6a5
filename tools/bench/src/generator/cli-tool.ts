import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CPU_TIME_FORMAT, parseCpuTimeLine } from './wrk.js';
import { runProcess, type ProcessOutcome } from './tools.js';

/** The first progress line `loadtest run` prints in a log (non-TTY): `[0s/10s] vus=…`. */
const FIRST_PROGRESS_LINE = /^\[0s\/[^\]]+\] /m;

export interface CliRun {
  /** Responses in the run's report (its summary's requests). */
  responses: number;
  /** Seconds the run measured (its summary's durationSeconds): the requests/s figure's denominator. */
  measuredSeconds: number;
  non2xx: number;
  errors: number;
  /** user + system CPU of the whole command, start-up included (bash's `time`). */
  cpuSeconds: number | null;
  /** From spawning the command to its first progress line on stdout. */
  firstProgressLineMs: number | null;
  /** From spawning the command to the run's start instant (the report's run.startAt): start-up, target check, connections. */
  startAfterCommandMs: number | null;
  process: ProcessOutcome;
  command: string;
}

/** Bundles the CLI (apps/cli/scripts/bundle.mjs) into `outDir`: the benchmark runs it as a user would, as one file with node. */
export function bundleCli(repoRoot: string, outDir: string): string {
  execFileSync(process.execPath, ['scripts/bundle.mjs', outDir], { cwd: join(repoRoot, 'apps/cli'), stdio: ['ignore', 'ignore', 'inherit'] });
  return join(outDir, 'loadtest.mjs');
}

/**
 * One `loadtest run` of a one-request plan (GET /) with `connections` VUs for `durationSeconds`, on one engine thread
 * (`--threads 1`), pinned to `cpu`; the figures come from the JSON report it writes, as a CI job would read them.
 */
export async function runCli(
  cpu: number,
  o: { bin: string; connections: number; durationSeconds: number; url: string; workDir: string; tag: string; logPath?: string },
): Promise<CliRun> {
  const plan = join(o.workDir, `cli-plan-${o.tag}.json`);
  const report = join(o.workDir, `cli-report-${o.tag}.json`);
  writeFileSync(plan, JSON.stringify({ name: 'bench', baseUrl: o.url.replace(/\/$/, ''), steps: [{ name: 'home', method: 'GET', url: '/' }] }));
  const args = ['run', plan, '--vus', String(o.connections), '--duration', `${o.durationSeconds}s`, '--threads', '1', '--json', report];
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // A user's machine: no database or broker settings, so the target allowlist is loopback (the benchmark's nginx).
  for (const name of ['DATABASE_URL', 'AMQP_URL', 'LOADTEST_MASTER', 'LOADTEST_TOKEN', 'LOADTEST_TARGET_ALLOWLIST', 'FORCE_COLOR']) delete env[name];
  let seen = '';
  let firstLineAt: number | null = null;
  const outcome = await runProcess(
    'taskset',
    ['-c', String(cpu), 'bash', '-c', `TIMEFORMAT='${CPU_TIME_FORMAT}'; time "$0" "$@"`, process.execPath, o.bin, ...args],
    {
      cwd: o.workDir,
      env,
      timeoutMs: (o.durationSeconds + 60) * 1000,
      ...(o.logPath ? { logPath: o.logPath } : {}),
      onStdout: (chunk, atMs) => {
        if (firstLineAt !== null) return;
        seen += chunk;
        if (FIRST_PROGRESS_LINE.test(seen)) firstLineAt = atMs;
      },
    },
  );
  if (outcome.code !== 0)
    throw new Error(`loadtest run ${outcome.timedOut ? 'timed out' : `exited with ${outcome.code ?? outcome.signal}`}: ${outcome.stderr.trim().slice(-500)}`);
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    run: { startAt: string | null };
    summary: { requests: number; durationSeconds: number; errorCount: number; statusCodes: Record<string, number> } | null;
  };
  if (!json.summary) throw new Error('loadtest run measured nothing (no summary in its report)');
  const non2xx = Object.entries(json.summary.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    responses: json.summary.requests,
    measuredSeconds: json.summary.durationSeconds,
    non2xx,
    errors: json.summary.errorCount,
    cpuSeconds: parseCpuTimeLine(outcome.stderr),
    firstProgressLineMs: firstLineAt === null ? null : firstLineAt - outcome.spawnedAt,
    startAfterCommandMs: json.run.startAt === null ? null : Date.parse(json.run.startAt) - outcome.spawnedAt,
    process: outcome,
    command: `taskset -c ${cpu} node loadtest.mjs ${args.join(' ')}`,
  };
}
