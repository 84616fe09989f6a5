import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, sleep } from '../harness.js';

/** The `loadtest` command as npm links it (node_modules/.bin/loadtest → apps/cli/bin/loadtest.mjs), run with this node. */
export const LOADTEST_BIN = join(REPO_ROOT, 'node_modules/.bin/loadtest');

/** A `loadtest` process: what it printed so far, on each stream, and its exit. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Waits until stdout matches `pattern`; fails with what was printed if the process exits or time runs out first. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

/**
 * Starts `loadtest ARGS` from the repository root as a user's shell would, with stdout and stderr piped (no terminal:
 * the CLI's plain, CI-log output). `env` adds to the environment; the master and token normally come from there.
 */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const child = spawn(process.execPath, [LOADTEST_BIN, ...args], {
    cwd: REPO_ROOT,
    // No colours: the tests read what a CI log shows. CI (set by .ci/run) must not change that.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForStdout(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`loadtest ${args.join(' ')}: ${pattern} not seen (exit ${child.exitCode})\nstdout:\n${out}\nstderr:\n${err}`);
        await sleep(50);
      }
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `loadtest ARGS` to its end (killed after `timeoutMs`). */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const cli = startCli(args, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  const code = await cli.exited;
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
