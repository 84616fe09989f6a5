import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the master, the workers and the dashboard are started from their sources there. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the stack keeps its state unless `--state-dir` says otherwise (gitignored). */
export const DEFAULT_STATE_DIR = '.stack';

/**
 * Every process the stack starts carries `LOADTEST_STACK=<state dir>` in its environment, and so do their children
 * (RabbitMQ's epmd and Erlang helpers, Vite's esbuild): `down` and `status` find them all by it in /proc, whatever
 * their pid files say.
 */
export const MARKER_VARIABLE = 'LOADTEST_STACK';

export interface StackPorts {
  postgres: number;
  amqp: number;
  /** RabbitMQ's Erlang distribution port (rabbitmqctl talks to the node through it). */
  rabbitDist: number;
  /** The node's own epmd: a private one, so that the stack neither needs nor leaves the machine's. */
  epmd: number;
  master: number;
  dashboard: number;
  /** Worker i (1-based) serves its probes on workerHttpBase + i. */
  workerHttpBase: number;
}

/** What `up` wrote for `status` and `down`. */
export interface StackState {
  version: 1;
  stateDir: string;
  startedAt: string;
  ports: StackPorts;
  /** The workers' ids (WORKER_ID), in order: worker-1 is workerIds[0]. */
  workerIds: string[];
  dashboard: boolean;
  rabbitNode: string;
  /** Whether the services run as the postgres and rabbitmq users (the stack was started as root). */
  asRoot: boolean;
}

/** Made once per state folder and kept (mode 600): the database remembers the admin's password from its first start. */
export interface StackSecrets {
  adminToken: string;
  adminPassword: string;
  /** Broker user → password (master, worker-<id>). */
  broker: Record<string, string>;
}

export interface Layout {
  dir: string;
  stateFile: string;
  secretsFile: string;
  runDir: string;
  logDir: string;
  pgDir: string;
  pgData: string;
  pgSocketDir: string;
  rabbitDir: string;
  rabbitPidFile: string;
  marker: string;
}

export function resolveStateDir(dir: string | undefined): string {
  const given = dir ?? DEFAULT_STATE_DIR;
  // Relative to the repository, not to the caller's folder: Nx runs the targets in tools/stack.
  return isAbsolute(given) ? given : resolve(REPO_ROOT, given);
}

export function layoutOf(dir: string): Layout {
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    secretsFile: join(dir, 'secrets.json'),
    runDir: join(dir, 'run'),
    logDir: join(dir, 'logs'),
    pgDir: join(dir, 'postgres'),
    pgData: join(dir, 'postgres', 'data'),
    pgSocketDir: join(dir, 'postgres', 'socket'),
    rabbitDir: join(dir, 'rabbitmq'),
    // Absolute: `rabbitmqctl stop <pidfile>` with a relative path hung (STACK-NOTES.md).
    rabbitPidFile: join(dir, 'rabbitmq', 'rabbitmq.pid'),
    marker: `${MARKER_VARIABLE}=${dir}`,
  };
}

/** The RabbitMQ node's name: fixed per state folder, so that two stacks (e.g. a test's and yours) never share one. */
export function rabbitNodeName(dir: string): string {
  return `loadtest-stack-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}@localhost`;
}

export function ensureDirs(layout: Layout): void {
  for (const dir of [layout.dir, layout.runDir, layout.logDir]) mkdirSync(dir, { recursive: true });
  // The postgres and rabbitmq users must be able to pass through the state folder to their own folders.
  chmodSync(layout.dir, 0o755);
}

export function pidFile(layout: Layout, name: string): string {
  return join(layout.runDir, `${name}.pid`);
}

export function logFile(layout: Layout, name: string): string {
  return join(layout.logDir, `${name}.log`);
}

export function readState(layout: Layout): StackState | undefined {
  if (!existsSync(layout.stateFile)) return undefined;
  return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as StackState;
}

export function writeState(layout: Layout, state: StackState): void {
  writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export function readSecrets(layout: Layout): StackSecrets | undefined {
  if (!existsSync(layout.secretsFile)) return undefined;
  return JSON.parse(readFileSync(layout.secretsFile, 'utf8')) as StackSecrets;
}

export function writeSecrets(layout: Layout, secrets: StackSecrets): void {
  writeFileSync(layout.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(layout.secretsFile, 0o600);
}
