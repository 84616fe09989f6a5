import { execFile, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { logFile, MARKER_VARIABLE, pidFile, type Layout } from './layout.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A system user the services run as when the stack is started as root. */
export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Reads /etc/passwd: Node has no lookup of another user by name. */
export function systemUser(name: string): SystemUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const fields = line.split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? '/' };
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  user?: SystemUser | undefined;
}

/**
 * Starts a service in its own session, its output appended to its log file, its pid in run/<name>.pid.
 *
 * Through a shell that starts it in the background and exits at once, so that the service is no child of `up`:
 * `nx run` stops a target by signalling the target's whole process tree, which would otherwise reach every service
 * at once and out of order; this way a Ctrl-C reaches only `up`, which stops the services in order (workers first).
 * `setsid` gives it a session of its own (a background job of a non-interactive shell leads no process group, so
 * setsid does not fork: `$!` is the service's pid). The log file is opened here and handed over as a descriptor,
 * so a service running as another user need not be able to open it.
 */
export function spawnService(layout: Layout, name: string, file: string, args: string[], options: SpawnOptions): number {
  const pid = spawnDetached(logFile(layout, name), file, args, { ...options, env: { ...options.env, [MARKER_VARIABLE]: layout.dir } });
  writeFileSync(pidFile(layout, name), `${pid}\n`);
  return pid;
}

/** Starts `file` outside the caller's process tree and session (see spawnService), its output appended to `log`. */
export function spawnDetached(log: string, file: string, args: string[], options: SpawnOptions): number {
  const fd = openSync(log, 'a');
  try {
    const result = spawnSync('/bin/sh', ['-c', 'setsid "$@" </dev/null >&3 2>&3 3>&- & echo $!', 'sh', file, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', fd],
      timeout: 10_000,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    const pid = Number(result.stdout?.toString().trim());
    if (result.status !== 0 || !Number.isInteger(pid) || pid <= 0) {
      throw new Error(`cannot start ${file}: ${result.error?.message ?? result.stderr?.toString().trim() ?? `exit ${result.status}`}`);
    }
    return pid;
  } finally {
    closeSync(fd);
  }
}

/** Whether a process runs (a zombie, exited but not yet reaped, does not). */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Runs a short command to its end; rejects with its output on failure or after `timeoutMs`. */
export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; user?: SystemUser | undefined; cwd?: string; timeoutMs?: number } = {}) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message.split('\n')[0]}\n${stdout}${stderr}`.trim()));
        else resolve(stdout);
      },
    );
  });
}

export function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function readServicePid(layout: Layout, name: string): number | undefined {
  return readPid(pidFile(layout, name));
}

export function removePidFile(layout: Layout, name: string): void {
  rmSync(pidFile(layout, name), { force: true });
}

function environOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live process of this stack. A pid file may outlive its process (a reboot, a kill -9) and the
 * pid be reused by another program: only a process carrying the stack's marker counts.
 */
export function isStackProcess(layout: Layout, pid: number | undefined): boolean {
  if (pid === undefined) return false;
  const environ = environOf(pid);
  return environ !== undefined && environ.includes(layout.marker) && processRuns(pid);
}

export interface StackProcessInfo {
  pid: number;
  command: string;
}

/** Every process on the machine that carries this stack's marker: what `down` must leave none of. */
export function stackProcesses(layout: Layout): StackProcessInfo[] {
  const found: StackProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || !isStackProcess(layout, pid)) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
    } catch {
      // gone meanwhile
    }
    found.push({ pid, command });
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  // The whole process group first: a service's helpers (postgres' backends, Erlang's children) go with it.
  try {
    process.kill(-pid, sig);
    return;
  } catch {
    // not a group leader, or the group is gone
  }
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
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

/** Waits (bounded) until `pid`, and the group it leads, are gone. */
export async function waitGone(layout: Layout, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isStackProcess(layout, pid) && !groupAlive(pid)) return true;
    await sleep(100);
  }
  return !isStackProcess(layout, pid) && !groupAlive(pid);
}

/**
 * Stops one service: `sig` to its process group, then SIGKILL if it has not exited within `timeoutMs`. Returns
 * how it ended.
 */
export async function stopService(
  layout: Layout,
  name: string,
  pid: number,
  sig: NodeJS.Signals,
  timeoutMs: number,
): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isStackProcess(layout, pid) && !groupAlive(pid)) return 'not running';
  signal(pid, sig);
  if (await waitGone(layout, pid, timeoutMs)) return 'stopped';
  process.stderr.write(`[stack] ${name} (pid ${pid}) still runs ${Math.round(timeoutMs / 1000)} s after ${sig}: SIGKILL\n`);
  signal(pid, 'SIGKILL');
  await waitGone(layout, pid, 5000);
  return 'killed';
}

/** Whether a TCP port can be bound on 127.0.0.1 (nothing listens there, nor on every address). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The last lines of a service's log, to explain a start that failed. */
export function logTail(layout: Layout, name: string, lines = 30): string {
  const path = logFile(layout, name);
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}
