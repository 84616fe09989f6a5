/**
 * Start-up benchmark of `npm start` (the one-command mode: embedded PostgreSQL,
 * in-process transport, one local worker thread). For each run it starts the
 * command exactly as a user types it and times, from the command:
 *   postgresUpMs     the log line "embedded PostgreSQL started"
 *   masterReadyMs    the log line "master ready"
 *   firstAnswerMs    the first HTTP answer of the port (GET /api/v1/workers, polled every 20 ms)
 *   workerOnlineMs   the first answer that lists a worker `online`
 *   stopMs           SIGTERM to the command's process group → every process of it gone
 * `first` runs use a fresh data folder (initdb); `warm` runs reuse one. Medians of N runs.
 *
 *   npm run bench:start                                  5 first + 5 warm runs of this checkout
 *   npm run bench:start -- --runs 3 --repo /other/checkout --label before
 *   npm run bench:start -- --nice -10                    the command at a higher priority (root), on a busy machine
 *
 * The result is merged into bench-results/start.json under its label ("after" by default).
 */
import { freePort } from '@loadtest/process';
import { spawn } from 'node:child_process';
import { BENCH_ADMIN_TOKEN, BENCH_AUTH_HEADERS } from '../ingest/infra.js';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PHASES = ['postgresUpMs', 'masterReadyMs', 'firstAnswerMs', 'workerOnlineMs', 'stopMs'] as const;
type Phase = (typeof PHASES)[number];
type Sample = Partial<Record<Phase, number>> & { load1: number };

interface Options {
  runs: number;
  repo: string;
  label: string;
  out: string;
  /** Runs the command under `nice -n <nice>`: on a shared machine, a negative value (root) approximates a quiet one. */
  nice: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 5, repo: REPO_ROOT, label: 'after', out: join(REPO_ROOT, 'bench-results/start.json'), nice: 0 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--runs':
        options.runs = Number(value);
        if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs: a whole number ≥ 1');
        i++;
        break;
      case '--repo':
        options.repo = resolve(value ?? '.');
        i++;
        break;
      case '--label':
        options.label = value ?? 'after';
        i++;
        break;
      case '--nice':
        options.nice = Number(value);
        if (!Number.isInteger(options.nice)) throw new Error('--nice: a whole number');
        i++;
        break;
      case '--out':
        options.out = resolve(REPO_ROOT, value ?? '');
        i++;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}; options: --runs N, --repo DIR, --label NAME, --out FILE, --nice N`);
    }
  }
  return options;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the processes whose command line names `dataDir` (the embedded postmaster and its children). */
function processesUsing(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
async function oneStart(repo: string, dataDir: string, nice: number): Promise<Sample> {
  const port = await freePort();
  const load1 = loadavg()[0]!;
  const began = performance.now();
  // `nice` execs npm: the pid and the process group are npm's all the same.
  const [command, args] = nice === 0 ? ['npm', ['start']] : ['nice', ['-n', String(nice), 'npm', 'start']];
  const child = spawn(command, args, {
    cwd: repo,
    env: {
      ...process.env,
      PORT: String(port),
      LOADTEST_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
      AMQP_URL: '',
      LOADTEST_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const sample: Sample = { load1 };
  const output: string[] = [];
  let exited = false;
  child.once('exit', () => (exited = true));
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (line.includes('"embedded PostgreSQL started"')) sample.postgresUpMs ??= Math.round(performance.now() - began);
      if (line.includes('"master ready"')) sample.masterReadyMs ??= Math.round(performance.now() - began);
    }
  };
  child.stdout.on('data', onLine);
  child.stderr.on('data', onLine);
  const deadline = Date.now() + 90_000;
  try {
    while (sample.workerOnlineMs === undefined) {
      if (exited) throw new Error(`npm start exited before a worker was online:\n${output.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no worker online within 90 s:\n${output.slice(-20).join('\n')}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/workers`, { signal: AbortSignal.timeout(2000), headers: BENCH_AUTH_HEADERS });
        const at = Math.round(performance.now() - began);
        sample.firstAnswerMs ??= at;
        const body = (await response.json()) as { items?: { state: string }[] };
        if (body.items?.some((w) => w.state === 'online')) sample.workerOnlineMs = at;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
  } finally {
    const stopping = performance.now();
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    const stopDeadline = Date.now() + 30_000;
    while ((groupAlive(child.pid!) || processesUsing(dataDir).length > 0) && Date.now() < stopDeadline) await sleep(20);
    sample.stopMs = Math.round(performance.now() - stopping);
    for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
    if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
  }
  return sample;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function summary(samples: Sample[]) {
  const medians = Object.fromEntries(PHASES.map((phase) => [phase, median(samples.flatMap((s) => (s[phase] === undefined ? [] : [s[phase]])))]));
  return { medians, load1Median: Number((median(samples.map((s) => s.load1 * 100)) ?? 0) / 100), samples };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), 'loadtest-bench-start-'));
  // Run as root, the embedded PostgreSQL runs as the postgres user, which must be able to enter the folders.
  chmodSync(root, 0o755);
  const first: Sample[] = [];
  const warm: Sample[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      const dataDir = join(root, `first-${i}`);
      first.push(await oneStart(options.repo, dataDir, options.nice));
      process.stderr.write(`first start ${i + 1}/${options.runs}: ${JSON.stringify(first.at(-1))}\n`);
    }
    const warmDir = join(root, 'first-0');
    for (let i = 0; i < options.runs; i++) {
      warm.push(await oneStart(options.repo, warmDir, options.nice));
      process.stderr.write(`warm start ${i + 1}/${options.runs}: ${JSON.stringify(warm.at(-1))}\n`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const result = {
    command: options.nice === 0 ? 'npm start' : `nice -n ${options.nice} npm start`,
    repo: options.repo,
    measuredAt: new Date().toISOString(),
    cores: cpus().length,
    runs: options.runs,
    first: summary(first),
    warm: summary(warm),
  };
  const previous: Record<string, unknown> = existsSync(options.out) ? (JSON.parse(readFileSync(options.out, 'utf8')) as Record<string, unknown>) : {};
  mkdirSync(join(options.out, '..'), { recursive: true });
  writeFileSync(`${options.out}.tmp`, `${JSON.stringify({ ...previous, [options.label]: result }, null, 2)}\n`);
  renameSync(`${options.out}.tmp`, options.out);
  process.stdout.write(
    `${options.label}: first start medians ${JSON.stringify(result.first.medians)} (load ${result.first.load1Median}); warm start medians ${JSON.stringify(result.warm.medians)} (load ${result.warm.load1Median})\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
