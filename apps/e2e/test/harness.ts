import { decodeWindow, summarize, type Window } from '@loadtest/metrics';
import type { RunResource, RunSummary } from '@loadtest/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type LogRecord = Record<string, unknown> & { msg?: string };

/** A child process whose JSON log lines a test can wait for and read. */
export class RunningProcess {
  readonly logs: LogRecord[] = [];
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        this.output.push(line);
        try {
          this.logs.push(JSON.parse(line) as LogRecord);
        } catch {
          // Not a log record (e.g. npm's banner); kept in `output`.
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitForLog(predicate: (record: LogRecord) => boolean, timeoutMs = 30_000): Promise<LogRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}) while waiting:\n${this.output.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: log not seen within ${timeoutMs} ms:\n${this.output.slice(-20).join('\n')}`);
      await sleep(50);
    }
  }

  /** Writes everything the process printed to `<E2E_LOG_DIR or test-results/e2e-logs>/<name>.log`, to read after a failure. */
  saveOutput(): void {
    const dir = process.env.E2E_LOG_DIR ?? join(REPO_ROOT, 'test-results', 'e2e-logs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.name}.log`), `${this.output.join('\n')}\n`);
  }

  /** Sends a signal to the process and its children, and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      this.child.kill(signal);
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const code = await this.exited;
    // Wait for the whole group (e.g. npm → tsx → node → postgres), not only the first process.
    while (groupAlive(this.child.pid!)) await sleep(50);
    clearTimeout(timer);
    this.saveOutput();
    return code;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The target allowlist of every process the tests start: their targets are on loopback, which the distributed mode
 * (DATABASE_URL, AMQP_URL) does not allow by default. A test may set its own.
 */
export const TEST_TARGET_ALLOWLIST = { LOADTEST_TARGET_ALLOWLIST: process.env.LOADTEST_TARGET_ALLOWLIST ?? 'localhost,127.0.0.0/8,::1' };

/** The admin API token every master these tests start accepts (LOADTEST_ADMIN_TOKEN); `api()` sends it. */
export const E2E_ADMIN_TOKEN = `lt_${randomBytes(32).toString('base64url')}`;
export const AUTH_HEADERS = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const TEST_ENV = { ...TEST_TARGET_ALLOWLIST, LOADTEST_ADMIN_TOKEN: E2E_ADMIN_TOKEN };

/** Starts a TypeScript entry of this repository with tsx, in its own process group. */
export function startTs(name: string, entry: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...TEST_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new RunningProcess(name, child);
}

/** Starts a command exactly as a user types it (e.g. `npm start`), in its own process group. */
export function startCommand(name: string, command: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...TEST_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new RunningProcess(name, child);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  what: string,
  explain?: () => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      const detail = explain ? `\nlast seen: ${JSON.stringify(await explain().catch((error: unknown) => String(error)))}` : '';
      throw new Error(`${what}: not met within ${timeoutMs} ms${detail}`);
    }
    await sleep(100);
  }
}

/** A call of the master's API, as the admin (E2E_ADMIN_TOKEN) unless `headers` says otherwise (`{ authorization: '' }`: none). */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const sent: Record<string, string> = { ...AUTH_HEADERS, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers };
  if (sent.authorization === '') delete sent.authorization;
  const response = await fetch(`${base}${path}`, { method, headers: sent, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Polls `GET /api/v1/runs/:id` until the run is in `state` and returns it; on a
 * time-out the error shows the run as last seen.
 */
export async function runInState(base: string, runId: string, state: RunResource['state'], timeoutMs: number): Promise<RunResource> {
  let last: RunResource | undefined;
  return until(
    async () => {
      last = (await api<RunResource>(base, 'GET', `/api/v1/runs/${runId}`)).body;
      return last.state === state ? last : undefined;
    },
    timeoutMs,
    `run ${state}`,
    async () => last,
  );
}

/** A fresh database on the real PostgreSQL. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lt_e2e_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface StoredWindowRow extends Window {
  workerId: string;
  seq: number;
}

/**
 * A run's windows as the database holds them, each (share, seq) once: cut out of its packs (run_window_packs: the
 * i-th window is share_ids[i]'s seqs[i], its bytes the sizes[i] after the windows before it in `data`) and the
 * rows of run_windows (runs stored before packs), read straight from the tables, not through the master's code,
 * and decoded. A redelivered window may be stored twice; the master reads it once, and so does this.
 */
export async function storedWindows(databaseUrl: string, runId: string): Promise<StoredWindowRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ worker_id: string; seq: number; data: Buffer }>(
      `SELECT DISTINCT ON (worker_id, seq) worker_id, seq, data FROM (
         SELECT w.share_id AS worker_id, w.seq, substring(p.data FROM w.start::int FOR w.size) AS data
         FROM run_window_packs p
         CROSS JOIN LATERAL (
           SELECT u.share_id, u.seq, u.size, 1 + sum(u.size) OVER (ORDER BY u.i) - u.size AS start
           FROM unnest(p.share_ids, p.seqs, p.sizes) WITH ORDINALITY AS u(share_id, seq, size, i)
         ) w
         WHERE p.run_id = $1
         UNION ALL
         SELECT worker_id, seq, data FROM run_windows WHERE run_id = $1
       ) stored ORDER BY worker_id, seq`,
      [runId],
    );
    return rows.map((r) => ({ workerId: r.worker_id, seq: r.seq, ...decodeWindow(r.data) }));
  } finally {
    await client.end();
  }
}

export function summaryOf(windows: Window[]): RunSummary {
  return summarize(windows);
}
