import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ensureDirs,
  logFile,
  rabbitNodeName,
  REPO_ROOT,
  readSecrets,
  writeSecrets,
  writeState,
  type Layout,
  type StackPorts,
  type StackState,
} from './layout.js';
import { LogStream } from './log-stream.js';
import { isStackProcess, portFree, processRuns, readServicePid, sleep, spawnDetached, stackProcesses, systemUser, type SystemUser } from './processes.js';
import {
  brokerUsers,
  dashboardUrl,
  masterUrl,
  newSecret,
  postgresBinDir,
  startDashboard,
  startMaster,
  startPostgres,
  startRabbit,
  startWorkers,
  waitWorkers,
  workerName,
} from './services.js';

export interface UpOptions {
  workers: number;
  threads: number;
  detach: boolean;
  dashboard: boolean;
  ports: StackPorts;
  pgBinDir: string | undefined;
  /** Each start-up step's limit, in ms. */
  timeoutMs: number;
}

/**
 * Runs `stack down` as a process of its own, outside `up`'s process tree, and follows it: `nx run` ends a target
 * (after a Ctrl-C) by signalling its process tree and killing what is still there after a few seconds, which would
 * cut an in-process `down` short; the detached one finishes whatever becomes of `up`. Its exit code: 0 when it
 * reported no process left.
 */
async function detachedDown(layout: Layout): Promise<number> {
  const log = logFile(layout, 'down');
  const from = existsSync(log) ? statSync(log).size : 0;
  // Not prefixed: `down` prefixes its own lines.
  const follow = new LogStream(layout, ['down'], { prefix: false });
  follow.start();
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const pid = spawnDetached(log, process.execPath, ['--import', 'tsx', main, 'down', '--state-dir', layout.dir], { cwd: REPO_ROOT, env: process.env });
  // Bounded: `down` itself gives each service a limited time (at most about 3 minutes in all).
  const deadline = Date.now() + 300_000;
  while (processRuns(pid) && Date.now() < deadline) await sleep(200);
  follow.stop();
  const text = readFileSync(log, 'utf8').slice(from);
  return text.includes('no process of the stack is left') ? 0 : 1;
}

/** Which option sets each port, for the message when one is taken. */
const PORT_OPTIONS: Record<keyof StackPorts, string> = {
  postgres: '--pg-port',
  amqp: '--amqp-port',
  rabbitDist: '--amqp-port (the distribution port is AMQP + 1)',
  epmd: '--amqp-port (the private epmd port is AMQP + 2)',
  master: '--master-port',
  dashboard: '--dashboard-port',
  workerHttpBase: '--worker-port',
};

function say(line: string): void {
  process.stdout.write(`[stack] ${line}\n`);
}

/** Every port the stack will listen on, with the option that moves it. */
function portsInUse(options: UpOptions): Array<[string, number]> {
  const list: Array<[string, number]> = [];
  for (const key of Object.keys(PORT_OPTIONS) as Array<keyof StackPorts>) {
    if (key === 'workerHttpBase') continue;
    if (key === 'dashboard' && !options.dashboard) continue;
    list.push([PORT_OPTIONS[key], options.ports[key]]);
  }
  for (let i = 1; i <= options.workers; i++)
    list.push([`${PORT_OPTIONS.workerHttpBase} (worker-${i}'s probes: worker port + ${i})`, options.ports.workerHttpBase + i]);
  return list;
}

async function checkPorts(options: UpOptions): Promise<void> {
  const list = portsInUse(options);
  const seen = new Map<number, string>();
  for (const [option, port] of list) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} (${option}) is not a TCP port`);
    const other = seen.get(port);
    if (other) throw new Error(`port ${port} is given twice: ${other} and ${option}`);
    seen.set(port, option);
  }
  const taken: string[] = [];
  for (const [option, port] of list) if (!(await portFree(port))) taken.push(`${port} (${option})`);
  if (taken.length > 0)
    throw new Error(`port${taken.length > 1 ? 's' : ''} already in use on 127.0.0.1: ${taken.join(', ')}; choose others with those options`);
}

/** As root, PostgreSQL and RabbitMQ run as their own users (PostgreSQL refuses root). */
function serviceUsers(): { pg: SystemUser | undefined; rabbit: SystemUser | undefined; asRoot: boolean } {
  if (process.getuid?.() !== 0) return { pg: undefined, rabbit: undefined, asRoot: false };
  const pg = systemUser('postgres');
  const rabbit = systemUser('rabbitmq');
  if (!pg) throw new Error('running as root, PostgreSQL must run as the postgres user, which does not exist (apt-get install -y postgresql creates it)');
  if (!rabbit) throw new Error('running as root, RabbitMQ must run as the rabbitmq user, which does not exist (apt-get install -y rabbitmq-server creates it)');
  return { pg, rabbit, asRoot: true };
}

/**
 * `stack:up`: starts PostgreSQL and RabbitMQ (together), the master, the workers and the dashboard's dev server, each
 * step waiting for the previous one to answer. Returns the exit code: with `detach` once everything is ready; in the
 * foreground when a signal has brought everything down.
 */
export async function up(layout: Layout, options: UpOptions): Promise<number> {
  ensureDirs(layout);
  const running = stackProcesses(layout);
  if (running.length > 0) {
    throw new Error(
      `a stack already runs from ${layout.dir} (${running.length} processes, e.g. pid ${running[0]!.pid}): see npx nx run stack:status, or stop it with stack:down`,
    );
  }
  await checkPorts(options);
  const users = serviceUsers();
  const pgBin = postgresBinDir(options.pgBinDir);

  const workerIds = Array.from({ length: options.workers }, (_, i) => `w${i + 1}`);
  const secrets = readSecrets(layout) ?? { adminToken: newSecret('lt_'), adminPassword: newSecret().slice(0, 24), broker: {} };
  for (const user of brokerUsers(workerIds)) secrets.broker[user] ??= newSecret();
  writeSecrets(layout, secrets);
  const state: StackState = {
    version: 1,
    stateDir: layout.dir,
    startedAt: new Date().toISOString(),
    ports: options.ports,
    workerIds,
    dashboard: options.dashboard,
    rabbitNode: rabbitNodeName(layout.dir),
    asRoot: users.asRoot,
  };
  // Written first: a `down` after a start that failed half-way knows what to stop.
  writeState(layout, state);

  const names = ['postgres', 'rabbitmq', 'master', ...workerIds.map((_, i) => workerName(i)), ...(options.dashboard ? ['dashboard'] : [])];
  const logs = new LogStream(layout, names);
  if (!options.detach) logs.start();

  let stopping: Promise<number> | undefined;
  const stop = (why: string, code: number): Promise<number> => {
    stopping ??= (async () => {
      say(`${why}: stopping the stack (log: ${logFile(layout, 'down')})`);
      const result = await detachedDown(layout);
      logs.stop();
      return result === 0 ? code : result;
    })();
    return stopping;
  };
  // Set once `up` runs in the foreground: the signal's `down` then ends `up` with its exit code.
  let stopRequested: ((code: number) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) say(`${signal}: already stopping`);
    else void stop(signal, 0).then((code) => (stopRequested ? stopRequested(code) : process.exit(code)));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const began = Date.now();
  try {
    say(`starting PostgreSQL on ${options.ports.postgres} and RabbitMQ on ${options.ports.amqp} (${layout.dir})`);
    await Promise.all([startPostgres(layout, state, pgBin, users.pg, options.timeoutMs), startRabbit(layout, state, secrets, users.rabbit, options.timeoutMs)]);
    if (stopping) return await stopping;
    say(`starting the master on ${options.ports.master}`);
    await startMaster(layout, state, secrets, options.timeoutMs);
    if (stopping) return await stopping;
    say(`starting ${options.workers} worker(s)${options.dashboard ? ` and the dashboard's dev server on ${options.ports.dashboard}` : ''}`);
    startWorkers(layout, state, secrets, options.threads);
    await Promise.all([
      waitWorkers(layout, state, secrets, options.timeoutMs),
      options.dashboard ? startDashboard(layout, state, options.timeoutMs) : undefined,
    ]);
    if (stopping) return await stopping;
  } catch (error) {
    if (stopping) return await stopping;
    logs.stop();
    process.stderr.write(`[stack] up failed: ${(error as Error).message}\n`);
    return stop('start-up failed', 1);
  }

  const url = options.dashboard ? dashboardUrl(state) : masterUrl(state);
  say(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s: ${options.workers} worker(s) registered (${workerIds.join(', ')})`);
  say(`dashboard: ${url}  — log in as admin, password ${secrets.adminPassword} (set on the database's first start; kept in ${layout.secretsFile})`);
  say(`API: ${masterUrl(state)}/api/v1 with "Authorization: Bearer <adminToken from ${layout.secretsFile}>"; logs in ${layout.logDir}`);
  if (options.detach) {
    say('detached: npx nx run stack:status, npx nx run stack:down');
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
    return 0;
  }
  say('Ctrl-C stops everything');
  // The foreground: stream the logs and report a service that dies, until a signal brings everything down.
  const dead = new Set<string>();
  const monitor = setInterval(() => {
    // Once stopping, the services exit on purpose: `down` reports them.
    if (stopping) return;
    for (const name of names) {
      if (dead.has(name) || isStackProcess(layout, readServicePid(layout, name))) continue;
      dead.add(name);
      logs.flush();
      say(`${name} exited (log: ${logFile(layout, name)}); the others keep running`);
    }
  }, 1000);
  const code = await new Promise<number>((resolve) => {
    stopRequested = resolve;
  });
  clearInterval(monitor);
  return code;
}
