import { spawn, type ChildProcess } from 'node:child_process';
import { BENCH_ADMIN_TOKEN } from './infra.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MasterOptions {
  repoRoot: string;
  databaseUrl: string;
  amqpUrl: string;
  namespace: string;
  port: number;
  /** File descriptor for the master's stdout and stderr. */
  logFd: number;
  logLevel: string;
  /** RUN_START_LEAD_MS, or the master's default when undefined. */
  startLeadMs: number | undefined;
  /** Write a V8 CPU profile of the master into this folder (on exit). */
  cpuProfileDir: string | undefined;
  /** Run the master's bundle (tools/start/start.mjs builds it) instead of its sources under tsx (default: the sources). */
  fromBundle?: boolean;
  /** Node's (V8's) flags for the master: the shipped ones when undefined. */
  nodeFlags?: readonly string[];
}

/**
 * The master's V8 flags, as `npm start` and its image run it (docs/architecture.md, "The master's heap"):
 * the benchmark measures the master that ships.
 */
export function shippedMasterNodeFlags(repoRoot: string): string[] {
  return JSON.parse(readFileSync(join(repoRoot, 'apps', 'master', 'node-flags.json'), 'utf8')) as string[];
}

/** Where tools/start/start.mjs writes the master's bundle, relative to the repository root. */
export const MASTER_BUNDLE = join('apps', 'master', '.start-bundle', 'master', 'main.js');

/**
 * The real master, from its TypeScript sources (`node --import tsx
 * apps/master/src/main.ts`) or from its bundle, as a direct child, so that the
 * pid measured is the one running the master (not npm or a tsx launcher).
 */
export class MasterProcess {
  readonly child: ChildProcess;
  readonly url: string;
  private readonly exited: Promise<void>;
  killedFor: string | undefined;
  /** Wall-clock instant the process exited, epoch ms. */
  exitedAt: number | undefined;

  constructor(private readonly o: MasterOptions) {
    const entry = o.fromBundle ? [MASTER_BUNDLE] : ['--import', 'tsx', join('apps', 'master', 'src', 'main.ts')];
    const args = [
      ...(o.nodeFlags ?? shippedMasterNodeFlags(o.repoRoot)),
      ...(o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : []),
      ...entry,
    ];
    this.child = spawn(process.execPath, args, {
      cwd: o.repoRoot,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(o.port),
        DATABASE_URL: o.databaseUrl,
        AMQP_URL: o.amqpUrl,
        AMQP_NAMESPACE: o.namespace,
        LOG_LEVEL: o.logLevel,
        WORKER_MISSING_AFTER_MS: '10000',
        // The benchmark's targets are on loopback, which the distributed mode does not allow by default.
        LOADTEST_TARGET_ALLOWLIST: process.env.LOADTEST_TARGET_ALLOWLIST ?? 'localhost,127.0.0.0/8,::1',
        LOADTEST_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
        ...(o.startLeadMs === undefined ? {} : { RUN_START_LEAD_MS: String(o.startLeadMs) }),
      },
      stdio: ['ignore', o.logFd, o.logFd],
    });
    this.url = `http://127.0.0.1:${o.port}`;
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        this.exitedAt = Date.now();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitDescription(): string {
    return `exit code ${this.child.exitCode ?? 'none'}, signal ${this.child.signalCode ?? 'none'}`;
  }

  /** Polls GET /health until it answers (bounded). */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`master exited before it was ready (${this.exitDescription}); see its log`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`master not healthy within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM (the master closes gracefully and writes its CPU profile), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the master at once and remembers why (e.g. its memory passed the benchmark's guard). */
  kill(reason: string): void {
    if (!this.running) return;
    this.killedFor = reason;
    this.child.kill('SIGKILL');
  }
}

export interface LogDigest {
  warnings: number;
  errors: number;
  /** The most frequent warning/error messages, with counts. */
  top: { level: string; msg: string; count: number }[];
}

/** Counts the warnings and errors in a pino JSON log (one record per line). */
export function digestLog(text: string, topN = 8): LogDigest {
  let warnings = 0;
  let errors = 0;
  const counts = new Map<string, { level: string; msg: string; count: number }>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let record: { level?: number; msg?: string };
    try {
      record = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      continue;
    }
    const level = record.level ?? 0;
    if (level < 40) continue;
    const name = level >= 50 ? 'error' : 'warn';
    if (level >= 50) errors += 1;
    else warnings += 1;
    const key = `${name}:${record.msg ?? ''}`;
    const entry = counts.get(key) ?? { level: name, msg: record.msg ?? '', count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  const top = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, topN);
  return { warnings, errors, top };
}

export function digestLogFile(path: string): LogDigest {
  try {
    return digestLog(readFileSync(path, 'utf8'));
  } catch {
    return { warnings: 0, errors: 0, top: [] };
  }
}
