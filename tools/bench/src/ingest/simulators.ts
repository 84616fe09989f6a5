import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SIMULATOR_CONFIG_ENV, type Assigned, type RunDone, type SecondPublished, type SimulatorConfig, type SimulatorToParent } from './ipc.js';
import { splitEvenly } from './stats.js';

const ENTRY = fileURLToPath(new URL('./simulator-main.ts', import.meta.url));

export interface FleetOptions {
  repoRoot: string;
  amqpUrl: string;
  namespace: string;
  workerIds: string[];
  workersPerProcess: number;
  rps: number;
  poolSize: number;
  seed: number;
  /** File descriptor the processes write their logs to. */
  logFd: number;
}

/** The simulator processes of one benchmark step, and what they reported. */
export class SimulatorFleet {
  readonly children: ChildProcess[] = [];
  readonly seconds: SecondPublished[] = [];
  readonly done: RunDone[] = [];
  /** Per process and run, the latest report of its assignments. */
  readonly assigned: Assigned[] = [];
  readonly fatal: string[] = [];
  readonly setupMs: number[] = [];
  private readyCount = 0;

  constructor(private readonly o: FleetOptions) {}

  get processes(): number {
    return this.children.length;
  }

  pids(): number[] {
    return this.children.filter((c) => c.exitCode === null && c.signalCode === null && c.pid !== undefined).map((c) => c.pid!);
  }

  start(): void {
    const count = Math.max(1, Math.ceil(this.o.workerIds.length / this.o.workersPerProcess));
    const sizes = splitEvenly(this.o.workerIds.length, count);
    let offset = 0;
    sizes.forEach((size, index) => {
      const config: SimulatorConfig = {
        index,
        amqpUrl: this.o.amqpUrl,
        namespace: this.o.namespace,
        workerIds: this.o.workerIds.slice(offset, offset + size),
        rps: this.o.rps,
        poolSize: this.o.poolSize,
        seed: this.o.seed + index * 7919,
        logLevel: 'warn',
      };
      offset += size;
      const child = fork(ENTRY, [], {
        cwd: this.o.repoRoot,
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, [SIMULATOR_CONFIG_ENV]: JSON.stringify(config) },
        stdio: ['ignore', this.o.logFd, this.o.logFd, 'ipc'],
      });
      child.on('message', (message: SimulatorToParent) => this.onMessage(message));
      child.on('exit', (code, signal) => {
        if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') this.fatal.push(`simulator ${index} exited with ${code ?? signal}`);
      });
      this.children.push(child);
    });
  }

  private onMessage(message: SimulatorToParent): void {
    switch (message.type) {
      case 'ready':
        this.readyCount += 1;
        this.setupMs.push(message.setupMs);
        return;
      case 'second':
        this.seconds.push(message);
        return;
      case 'run-done': {
        const previous = this.done.findIndex((d) => d.runId === message.runId && d.process === message.process);
        if (previous >= 0) this.done[previous] = message;
        else this.done.push(message);
        return;
      }
      case 'fatal':
        this.fatal.push(message.message);
        return;
      case 'assigned': {
        const previous = this.assigned.findIndex((a) => a.runId === message.runId && a.process === message.process);
        if (previous >= 0) this.assigned[previous] = message;
        else this.assigned.push(message);
        return;
      }
    }
  }

  async waitReady(timeoutMs: number): Promise<void> {
    await waitFor(
      () => this.readyCount >= this.children.length,
      timeoutMs,
      () => this.problem(),
      'simulators ready',
    );
  }

  async waitDone(runId: string, timeoutMs: number): Promise<boolean> {
    try {
      await waitFor(
        () => this.done.filter((d) => d.runId === runId).length >= this.children.length,
        timeoutMs,
        () => this.problem(),
        'simulators done',
      );
      return true;
    } catch {
      return false;
    }
  }

  private problem(): string | undefined {
    return this.fatal.length > 0 ? this.fatal.join('; ') : undefined;
  }

  /** Asks each process to close its connection and exit; kills what is left after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const alive = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exits = alive.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
    for (const c of alive) {
      if (c.connected) c.send({ type: 'stop' });
      else c.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const c of alive) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, timeoutMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }

  /** For an emergency exit: kill synchronously. */
  killNow(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, problem: () => string | undefined, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    const p = problem();
    if (p) throw new Error(`${what}: ${p}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
