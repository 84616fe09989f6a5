import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readState, type Layout, type StackState } from './layout.js';
import { isStackProcess, readServicePid, removePidFile, sleep, stackProcesses, stopService, systemUser, type StackProcessInfo } from './processes.js';
import { rabbitctl, rabbitNodePid, workerName } from './services.js';

export interface DownOptions {
  /** Remove the state folder too (databases, broker data, logs, secrets). */
  purge?: boolean;
  log?: (line: string) => void;
}

/** Names of the services with a pid file, in the order they stop. */
function serviceNames(layout: Layout, state: StackState | undefined): string[] {
  const files = existsSync(layout.runDir) ? readdirSync(layout.runDir).filter((f) => f.endsWith('.pid')) : [];
  const names = new Set(files.map((f) => f.slice(0, -'.pid'.length)));
  for (const [i] of (state?.workerIds ?? []).entries()) names.add(workerName(i));
  const rank = (name: string) => (name.startsWith('worker-') ? 0 : ['dashboard', 'master', 'rabbitmq', 'postgres'].indexOf(name) + 1 || 9);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Stops the stack: the workers first (SIGTERM: each publishes its partial second and tells the master it left),
 * the dashboard, the master (SIGTERM: it drains its runs), RabbitMQ (rabbitmqctl stop, which waits for the node),
 * its epmd, then PostgreSQL (SIGINT: a fast shutdown, once its only client, the master, is gone). Then it looks in
 * /proc for any process still carrying the stack's marker, kills it, and returns what was left, if anything.
 */
export async function down(layout: Layout, options: DownOptions = {}): Promise<StackProcessInfo[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[stack] ${line}\n`));
  const state = readState(layout);
  const names = serviceNames(layout, state);

  const workers = names.filter((n) => n.startsWith('worker-'));
  // The workers together: each drains its own share; none waits for another.
  const results = await Promise.all(
    workers.map(async (name) => {
      const pid = readServicePid(layout, name);
      const result = pid === undefined ? 'not running' : await stopService(layout, name, pid, 'SIGTERM', 45_000);
      removePidFile(layout, name);
      return `${name} ${result}`;
    }),
  );
  if (results.length > 0) log(results.join(', '));

  for (const name of names.filter((n) => !n.startsWith('worker-'))) {
    const pid = readServicePid(layout, name);
    let result: string;
    if (pid === undefined) result = 'not running';
    else if (name === 'rabbitmq' && state) result = await stopRabbit(layout, state, pid);
    // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
    else if (name === 'postgres') result = await stopService(layout, name, pid, 'SIGINT', 30_000);
    // The master's own grace for the runs in progress is 30 s (MASTER_SHUTDOWN_GRACE_MS).
    else result = await stopService(layout, name, pid, 'SIGTERM', name === 'master' ? 45_000 : 15_000);
    removePidFile(layout, name);
    log(`${name} ${result}`);
  }

  // Anything else of the stack (RabbitMQ's epmd, a helper that escaped its group): SIGTERM, then SIGKILL.
  let left = stackProcesses(layout);
  if (left.length > 0) {
    log(`still running: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}: SIGTERM`);
    for (const p of left) kill(p.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && stackProcesses(layout).length > 0) await sleep(100);
    left = stackProcesses(layout);
    for (const p of left) kill(p.pid, 'SIGKILL');
    await sleep(500);
    left = stackProcesses(layout);
  }
  if (options.purge && left.length === 0) {
    rmSync(layout.dir, { recursive: true, force: true });
    log(`removed ${layout.dir}`);
  }
  return left;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone meanwhile
  }
}

async function stopRabbit(layout: Layout, state: StackState, launcherPid: number): Promise<string> {
  const user = state.asRoot ? systemUser('rabbitmq') : undefined;
  const nodePid = rabbitNodePid(layout);
  if (!isStackProcess(layout, launcherPid) && !isStackProcess(layout, nodePid)) return 'not running';
  try {
    // With the node's pid file (an absolute path: a relative one hung), `stop` returns once the node's process has exited.
    if (nodePid !== undefined && isStackProcess(layout, nodePid)) await rabbitctl(layout, state, user, ['stop', layout.rabbitPidFile], 60_000);
  } catch (error) {
    process.stderr.write(`[stack] rabbitmqctl stop failed (${(error as Error).message.split('\n')[0]}): stopping the node by signal\n`);
  }
  // The launcher script exits when the node does; SIGTERM makes it stop the node itself otherwise.
  const result = await stopService(layout, 'rabbitmq', launcherPid, 'SIGTERM', 30_000);
  // Its private epmd, started by the node, outlives it.
  for (const p of stackProcesses(layout).filter((p) => /\bepmd\b/.test(p.command))) kill(p.pid, 'SIGTERM');
  rmSync(join(layout.rabbitPidFile), { force: true });
  return result === 'killed' ? 'killed' : 'stopped';
}
