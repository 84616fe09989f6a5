import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { brokerDefinitions, DEFAULT_BROKER_NAMESPACE } from '@loadtest/transport';
import { logFile, MARKER_VARIABLE, REPO_ROOT, type Layout, type StackSecrets, type StackState } from './layout.js';
import { isStackProcess, logTail, readServicePid, run, sleep, spawnService, type SystemUser } from './processes.js';

/** The database the master uses on the stack's PostgreSQL. */
export const DATABASE = 'loadtest';
/** Broker namespace and vhost of the stack (the master's and workers' AMQP_NAMESPACE default). */
export const NAMESPACE = DEFAULT_BROKER_NAMESPACE;

export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Master and one user per worker, each with its own password (kept across `up`s in secrets.json). */
export function brokerUsers(workerIds: string[]): string[] {
  return ['master', ...workerIds.map((id) => `worker-${id}`)];
}

/**
 * Bounded wait for `check` to give a value; fails early, with the service's log, when its process is gone (a start
 * that failed says why at once instead of after the timeout).
 */
export async function waitFor<T>(
  layout: Layout,
  service: string,
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  alive: () => boolean = () => isStackProcess(layout, readServicePid(layout, service)),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (!alive()) throw new Error(`${service} exited before ${what}; its log (${logFile(layout, service)}):\n${logTail(layout, service)}`);
    if (Date.now() > deadline) throw new Error(`${service}: not ${what} within ${Math.round(timeoutMs / 1000)} s; its log:\n${logTail(layout, service)}`);
    await sleep(250);
  }
}

async function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return response.status;
}

// ---------------------------------------------------------------------------------------------------- PostgreSQL

/** The machine's PostgreSQL binaries: the newest /usr/lib/postgresql/<version>/bin, or `--pg-bin-dir`. */
export function postgresBinDir(given: string | undefined): string {
  if (given) return given;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${base}: apt-get install -y postgresql, or pass --pg-bin-dir`);
  return join(base, versions[0]!, 'bin');
}

/**
 * The postgres user (as root, PostgreSQL refuses to run as root) must reach its folder through every folder above
 * it: say which one stops it rather than let initdb fail obscurely.
 */
function checkReachable(dir: string, user: SystemUser): void {
  const result = spawnSync('/bin/sh', ['-c', 'test -w "$1"', 'sh', dir], { uid: user.uid, gid: user.gid });
  if (result.status === 0) return;
  throw new Error(
    `the ${user.name} user cannot write ${dir}: a folder above it is closed to others (e.g. a clone under /root, mode 700). ` +
      `Fix: chmod o+x on each folder above it, or --state-dir a folder it can reach (e.g. under /tmp)`,
  );
}

export async function startPostgres(layout: Layout, state: StackState, binDir: string, user: SystemUser | undefined, timeoutMs: number): Promise<void> {
  mkdirSync(layout.pgData, { recursive: true, mode: 0o700 });
  mkdirSync(layout.pgSocketDir, { recursive: true });
  if (user) {
    for (const dir of [layout.pgDir, layout.pgData, layout.pgSocketDir]) chownSync(dir, user.uid, user.gid);
    checkReachable(layout.pgData, user);
  }
  const env = { ...process.env, LC_ALL: 'C' };
  if (!existsSync(join(layout.pgData, 'PG_VERSION'))) {
    const out = await run(join(binDir, 'initdb'), ['-D', layout.pgData, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-instructions'], {
      env,
      user,
      cwd: layout.pgDir,
      timeoutMs,
    });
    writeFileSync(logFile(layout, 'postgres'), out, { flag: 'a' });
  }
  const port = state.ports.postgres;
  spawnService(
    layout,
    'postgres',
    join(binDir, 'postgres'),
    // Its own socket folder: never the machine's /var/run/postgresql. Loopback only.
    ['-D', layout.pgData, '-p', String(port), '-k', layout.pgSocketDir, '-c', 'listen_addresses=127.0.0.1'],
    { cwd: layout.pgDir, env, user },
  );
  const pgIsReady = join(binDir, 'pg_isready');
  await waitFor(layout, 'postgres', 'accepting connections', timeoutMs, async () =>
    (await run(pgIsReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { timeoutMs: 5000 }).then(() => true)) ? true : undefined,
  );
  const psql = join(binDir, 'psql');
  const common = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1'];
  const exists = await run(psql, [...common, '-d', 'postgres', '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`]);
  if (exists.trim() !== '1') await run(psql, [...common, '-d', 'postgres', '-c', `CREATE DATABASE ${DATABASE}`]);
}

export function databaseUrl(state: StackState): string {
  return `postgresql://postgres@127.0.0.1:${state.ports.postgres}/${DATABASE}`;
}

// ------------------------------------------------------------------------------------------------------ RabbitMQ

const RABBIT_SCRIPTS = '/usr/lib/rabbitmq/bin';

function rabbitScript(name: string): string {
  const path = join(RABBIT_SCRIPTS, name);
  if (!existsSync(path)) throw new Error(`${path} not found: apt-get install -y rabbitmq-server`);
  return path;
}

/** The environment of the node and of every rabbitmqctl call that talks to it. */
function rabbitEnv(layout: Layout, state: StackState, user: SystemUser | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // On rabbitmqctl too: the first call, made before the node has registered, may start the private epmd itself.
    [MARKER_VARIABLE]: layout.dir,
    // The Erlang cookie is read from $HOME: as root, the node runs as rabbitmq and uses its home's cookie.
    ...(user ? { HOME: user.home } : {}),
    RABBITMQ_NODENAME: state.rabbitNode,
    // /etc/rabbitmq/rabbitmq.conf pins 5672: this node has its own config (and no advanced.config).
    RABBITMQ_CONFIG_FILE: join(layout.rabbitDir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(layout.rabbitDir, 'advanced.config'),
    RABBITMQ_DIST_PORT: String(state.ports.rabbitDist),
    // A private epmd, started by the node and stopped by `down`: the machine's (port 4369) is neither needed nor touched.
    ERL_EPMD_PORT: String(state.ports.epmd),
    RABBITMQ_MNESIA_BASE: join(layout.rabbitDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(layout.rabbitDir, 'log'),
    // Logs to stdout, i.e. to logs/rabbitmq.log, which `up` streams with the others.
    RABBITMQ_LOGS: '-',
    RABBITMQ_PID_FILE: layout.rabbitPidFile,
    // A file that does not exist: no plugins, so no management listener on a shared port.
    RABBITMQ_ENABLED_PLUGINS_FILE: join(layout.rabbitDir, 'enabled_plugins'),
  };
}

export function rabbitctl(layout: Layout, state: StackState, user: SystemUser | undefined, args: string[], timeoutMs = 60_000): Promise<string> {
  return run(rabbitScript('rabbitmqctl'), ['-n', state.rabbitNode, ...args], { env: rabbitEnv(layout, state, user), user, cwd: layout.rabbitDir, timeoutMs });
}

export async function startRabbit(layout: Layout, state: StackState, secrets: StackSecrets, user: SystemUser | undefined, timeoutMs: number): Promise<void> {
  for (const sub of ['', 'mnesia', 'log']) mkdirSync(join(layout.rabbitDir, sub), { recursive: true });
  // The users, vhost, permissions and exchange, loaded at each boot: a worker added since the last `up` gets its user.
  const definitions = brokerDefinitions({ namespace: NAMESPACE, vhost: NAMESPACE, workerIds: state.workerIds }, (u) => {
    const password = secrets.broker[u];
    if (!password) throw new Error(`no broker password for ${u}`);
    return password;
  });
  const definitionsFile = join(layout.rabbitDir, 'definitions.json');
  writeFileSync(definitionsFile, `${JSON.stringify(definitions, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(
    join(layout.rabbitDir, 'rabbitmq.conf'),
    [`listeners.tcp.local = 127.0.0.1:${state.ports.amqp}`, `load_definitions = ${definitionsFile}`, ''].join('\n'),
  );
  if (user) {
    for (const sub of ['', 'mnesia', 'log']) chownSync(join(layout.rabbitDir, sub), user.uid, user.gid);
    for (const file of ['definitions.json', 'rabbitmq.conf']) chownSync(join(layout.rabbitDir, file), user.uid, user.gid);
    checkReachable(layout.rabbitDir, user);
  }
  // The server script itself, not /usr/sbin's wrapper (which would `su`): it runs in the foreground, as the
  // rabbitmq user, and stops the node properly on SIGTERM.
  spawnService(layout, 'rabbitmq', rabbitScript('rabbitmq-server'), [], { cwd: layout.rabbitDir, env: rabbitEnv(layout, state, user), user });
  await waitFor(layout, 'rabbitmq', 'started', timeoutMs, async () => {
    await rabbitctl(layout, state, user, ['await_startup', '--timeout', '10'], 20_000);
    return true;
  });
}

export function amqpUrl(state: StackState, secrets: StackSecrets, user: string): string {
  return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(secrets.broker[user] ?? '')}@127.0.0.1:${state.ports.amqp}/${encodeURIComponent(NAMESPACE)}`;
}

/** The node's own pid (beam.smp), from the pid file RabbitMQ writes. */
export function rabbitNodePid(layout: Layout): number | undefined {
  if (!existsSync(layout.rabbitPidFile)) return undefined;
  const pid = Number(readFileSync(layout.rabbitPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

// ----------------------------------------------------------------------------------- master, workers, dashboard

/** Where load may go: loopback, as in the embedded mode, unless LOADTEST_TARGET_ALLOWLIST says otherwise. */
function allowlist(): string {
  return process.env.LOADTEST_TARGET_ALLOWLIST ?? 'localhost,127.0.0.0/8,::1';
}

export function masterUrl(state: StackState): string {
  return `http://127.0.0.1:${state.ports.master}`;
}

export function dashboardUrl(state: StackState): string {
  return `http://127.0.0.1:${state.ports.dashboard}`;
}

export async function startMaster(layout: Layout, state: StackState, secrets: StackSecrets, timeoutMs: number): Promise<void> {
  spawnService(layout, 'master', process.execPath, ['--import', 'tsx', 'apps/master/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(state.ports.master),
      DATABASE_URL: databaseUrl(state),
      AMQP_URL: amqpUrl(state, secrets, 'master'),
      AMQP_NAMESPACE: NAMESPACE,
      LOADTEST_TARGET_ALLOWLIST: allowlist(),
      LOADTEST_ADMIN_TOKEN: secrets.adminToken,
      // Used only on the first start (an empty database); later starts keep the user as it is.
      LOADTEST_ADMIN_PASSWORD: secrets.adminPassword,
      LOADTEST_PUBLIC_URL: state.dashboard ? dashboardUrl(state) : masterUrl(state),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
  });
  await waitFor(layout, 'master', 'ready (/readyz)', timeoutMs, async () => ((await httpStatus(`${masterUrl(state)}/readyz`)) === 200 ? true : undefined));
}

export interface WorkerView {
  id: string;
  state: string;
}

/** The workers the master knows, through its API with the stack's admin token. */
export async function workersSeen(state: StackState, secrets: StackSecrets): Promise<WorkerView[]> {
  const response = await fetch(`${masterUrl(state)}/api/v1/workers`, {
    headers: { authorization: `Bearer ${secrets.adminToken}` },
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) throw new Error(`GET /api/v1/workers: ${response.status}`);
  const body = (await response.json()) as { items: WorkerView[] };
  return body.items.map((w) => ({ id: w.id, state: w.state }));
}

export function workerName(index: number): string {
  return `worker-${index + 1}`;
}

export function startWorkers(layout: Layout, state: StackState, secrets: StackSecrets, threads: number): void {
  state.workerIds.forEach((id, index) => {
    spawnService(layout, workerName(index), process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        WORKER_ID: id,
        // Its own broker user: the master checks that a worker's messages carry its user (worker-<id>).
        AMQP_URL: amqpUrl(state, secrets, `worker-${id}`),
        AMQP_NAMESPACE: NAMESPACE,
        WORKER_THREADS: String(threads),
        WORKER_HTTP_PORT: String(state.ports.workerHttpBase + index + 1),
        LOADTEST_TARGET_ALLOWLIST: allowlist(),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
    });
  });
}

export async function waitWorkers(layout: Layout, state: StackState, secrets: StackSecrets, timeoutMs: number): Promise<void> {
  const wanted = new Set(state.workerIds);
  const deadline = Date.now() + timeoutMs;
  let seen: WorkerView[] = [];
  for (;;) {
    seen = await workersSeen(state, secrets).catch(() => seen);
    const registered = seen.filter((w) => wanted.has(w.id) && (w.state === 'online' || w.state === 'busy'));
    if (registered.length === wanted.size) return;
    const dead = state.workerIds.map((_, i) => workerName(i)).filter((name) => !isStackProcess(layout, readServicePid(layout, name)));
    if (dead.length > 0) throw new Error(`${dead.join(', ')} exited; ${dead[0]}'s log:\n${logTail(layout, dead[0]!)}`);
    if (Date.now() > deadline) {
      throw new Error(`the master sees ${registered.length} of ${wanted.size} workers after ${Math.round(timeoutMs / 1000)} s: ${JSON.stringify(seen)}`);
    }
    await sleep(500);
  }
}

/** Vite is the dashboard's own dependency (under apps/dashboard when not hoisted). */
function viteBin(): string {
  const found = [join(REPO_ROOT, 'apps/dashboard/node_modules/vite/bin/vite.js'), join(REPO_ROOT, 'node_modules/vite/bin/vite.js')].find((p) => existsSync(p));
  if (!found) throw new Error('vite is not installed (npm ci), or start with --no-dashboard');
  return found;
}

export async function startDashboard(layout: Layout, state: StackState, timeoutMs: number): Promise<void> {
  spawnService(layout, 'dashboard', process.execPath, [viteBin(), '--port', String(state.ports.dashboard), '--strictPort', '--host', '127.0.0.1'], {
    cwd: join(REPO_ROOT, 'apps/dashboard'),
    // The dev server proxies /api and /socket.io to the stack's master (apps/dashboard/vite.config.ts).
    env: { ...process.env, MASTER_URL: masterUrl(state) },
  });
  await waitFor(layout, 'dashboard', 'serving', timeoutMs, async () => ((await httpStatus(`${dashboardUrl(state)}/`)) === 200 ? true : undefined));
}
