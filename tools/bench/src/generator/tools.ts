import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DRIVER_CONFIG_ENV, parseDriverOutput, toolRun, type DriverConfig, type DriverResult, type FlowTool, type NodeTool } from './ipc.js';
import { CPU_TIME_FORMAT, parseCpuTimeLine, parseWrkOutput, type WrkResult } from './wrk.js';

/** Runs each generator as its own process, pinned to one CPU with taskset. */

const DRIVERS: Record<NodeTool, string> = {
  worker: fileURLToPath(new URL('./worker-driver.ts', import.meta.url)),
  autocannon: fileURLToPath(new URL('./autocannon-driver.ts', import.meta.url)),
};

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Epoch ms. */
  spawnedAt: number;
  exitedAt: number;
  timedOut: boolean;
}

/** The child being run, so that an interrupt can kill it. */
export const active: { kill?: () => void } = {};

/** Stdout and stderr kept in memory are cut to their last this many characters. */
const KEEP_CHARS = 256 * 1024;

/**
 * Spawns `command` and waits for it to exit, at most `timeoutMs` (then kills it).
 * Stdout and stderr are collected (and appended to `logPath` when given).
 */
export function runProcess(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number; logPath?: string; onStdout?: (chunk: string, atMs: number) => void },
): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    // A process group of its own: a kill reaches what it started too (wrk under bash), and Ctrl-C reaches
    // only the benchmark, which then stops it itself.
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      opts.onStdout?.(chunk, Date.now());
      stdout = (stdout + chunk).slice(-KEEP_CHARS);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-KEEP_CHARS);
    });
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    active.kill = kill;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      active.kill = undefined;
      reject(error);
    });
    child.once('close', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(timer);
      active.kill = undefined;
      if (opts.logPath) {
        const header = `$ ${command} ${args.join(' ')}\n# exit ${code ?? signal}${timedOut ? ' (timed out, killed)' : ''}\n`;
        appendFileSync(opts.logPath, `${header}--- stdout\n${stdout}\n--- stderr\n${stderr}\n`);
      }
      resolve({ code, signal, stdout, stderr, spawnedAt, exitedAt, timedOut });
    });
  });
}

export interface NodeToolRun {
  result: DriverResult;
  process: ProcessOutcome;
}

/** One run of a Node generator (worker or autocannon, on the case the tool names) in its own process pinned to `cpu`. */
export async function runNodeTool(tool: NodeTool | FlowTool, cpu: number, config: DriverConfig, logPath?: string): Promise<NodeToolRun> {
  const run = toolRun(tool);
  const outcome = await runProcess('taskset', ['-c', String(cpu), process.execPath, '--import', 'tsx', DRIVERS[run.driver]], {
    cwd: config.repoRoot,
    env: {
      ...process.env,
      [DRIVER_CONFIG_ENV]: JSON.stringify({ ...config, case: run.case } satisfies DriverConfig),
      LOG_LEVEL: 'warn',
      // The worker's ShareRun checks its target itself: the benchmark's nginx is on loopback.
      LOADTEST_TARGET_ALLOWLIST: process.env.LOADTEST_TARGET_ALLOWLIST ?? 'localhost,127.0.0.0/8,::1',
    },
    timeoutMs: (config.durationSeconds + 60) * 1000,
    ...(logPath ? { logPath } : {}),
  });
  const result = parseDriverOutput(outcome.stdout);
  if (outcome.code !== 0 || !result) {
    throw new Error(
      `${tool} driver ${outcome.timedOut ? 'timed out' : `exited with ${outcome.code ?? outcome.signal}`}: ${outcome.stderr.trim().split('\n').slice(-5).join(' | ') || '(no output)'}`,
    );
  }
  return { result, process: outcome };
}

export interface WrkRun {
  wrk: WrkResult;
  /** User + system CPU seconds of wrk (bash's `time`); null if not reported. */
  cpuSeconds: number | null;
  process: ProcessOutcome;
  command: string;
}

/** wrk's arguments: one thread (one core), the connections, the duration and the latency distribution. */
export function wrkArgs(connections: number, durationSeconds: number, url: string): string[] {
  return ['-t1', `-c${connections}`, `-d${durationSeconds}s`, '--latency', url];
}

/** One run of wrk pinned to `cpu`, timed by bash's `time` for its CPU use. */
export async function runWrk(cpu: number, connections: number, durationSeconds: number, url: string, cwd: string, logPath?: string): Promise<WrkRun> {
  const args = wrkArgs(connections, durationSeconds, url);
  const outcome = await runProcess('taskset', ['-c', String(cpu), 'bash', '-c', `TIMEFORMAT='${CPU_TIME_FORMAT}'; time wrk "$@"`, 'bash', ...args], {
    cwd,
    timeoutMs: (durationSeconds + 60) * 1000,
    ...(logPath ? { logPath } : {}),
  });
  if (outcome.code !== 0)
    throw new Error(
      `wrk ${outcome.timedOut ? 'timed out' : `exited with ${outcome.code ?? outcome.signal}`}: ${(outcome.stderr + outcome.stdout).trim().slice(-500)}`,
    );
  return {
    wrk: parseWrkOutput(outcome.stdout),
    cpuSeconds: parseCpuTimeLine(outcome.stderr),
    process: outcome,
    command: `taskset -c ${cpu} wrk ${args.join(' ')}`,
  };
}
