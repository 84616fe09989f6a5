import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@loadtest/process';
import type { PlanResource, RangeSummary, RunResource } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { MARKER_VARIABLE, REPO_ROOT, type StackSecrets } from '../src/layout.js';
import { portFree } from '../src/processes.js';
import type { StackStatus } from '../src/status.js';

/**
 * The local stack end to end, as a script uses it: `up --detach --workers 3` (a private PostgreSQL and RabbitMQ from
 * the machine's packages, the master, 3 workers), `status`, a run over the 3 workers against a target on
 * 127.0.0.1, `down`; then no process of the stack may be left, by its pid files, by /proc (its marker, its
 * folder on a command line) and by its ports. The stack lives in a temporary folder on free ports, so a
 * developer's own stack (.stack, the default ports) is never touched.
 */

interface Exit {
  code: number | null;
  /** stdout and stderr as they came. */
  output: string;
  stdout: string;
}

/** Runs the stack's CLI as a user would (through tsx), to its end, within `timeoutMs`. */
function cli(args: string[], timeoutMs: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/stack/src/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, stdout });
    });
  });
}

/** `count` consecutive ports free on 127.0.0.1 (RabbitMQ takes AMQP, +1 and +2; workers take base + i). */
async function freeRun(count: number, avoid: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => avoid.includes(p))) continue;
    let free = true;
    for (const port of ports) if (!(await portFree(port))) free = false;
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Processes whose environment carries the stack's marker, or whose command line names its folder. */
function processesOf(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ = '';
    let cmdline = '';
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(`${MARKER_VARIABLE}=${dir}`) || cmdline.includes(dir)) found.push(`${entry} ${cmdline.trim()}`);
  }
  return found;
}

/** The ports among `ports` that something listens on, from /proc/net/tcp and tcp6 (state 0A: LISTEN). */
function listening(ports: number[]): number[] {
  const seen = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A' || !fields[1]) continue;
      const port = parseInt(fields[1].split(':').pop() ?? '', 16);
      if (ports.includes(port)) seen.add(port);
    }
  }
  return [...seen];
}

describe('stack: up --detach --workers 3, a run over the 3 workers, down, no process left; up in the foreground and Ctrl-C', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-test-'));
  // PostgreSQL and RabbitMQ run as their own users when the test runs as root: they must pass through this folder.
  chmodSync(dir, 0o755);
  const stateDir = join(dir, 'state');
  let target: TargetServer;
  const ports = { pg: 0, amqp: 0, master: 0, worker: 0 };
  let portArgs: string[] = [];
  let allPorts: number[] = [];
  let stackUp = false;
  let upOutput = '';

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const secrets = JSON.parse(readFileSync(join(stateDir, 'secrets.json'), 'utf8')) as StackSecrets;
    const response = await fetch(`http://127.0.0.1:${ports.master}${path}`, {
      method,
      headers: { authorization: `Bearer ${secrets.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  beforeAll(async () => {
    target = await startTarget({ host: '127.0.0.1' });
    ports.pg = await freePort();
    ports.master = await freePort();
    ports.amqp = await freeRun(3, [ports.pg, ports.master, target.port]);
    ports.worker = await freeRun(4, [ports.pg, ports.master, target.port, ports.amqp, ports.amqp + 1, ports.amqp + 2]);
    portArgs = ['--pg-port', `${ports.pg}`, '--amqp-port', `${ports.amqp}`, '--master-port', `${ports.master}`, '--worker-port', `${ports.worker}`];
    allPorts = [ports.pg, ports.amqp, ports.amqp + 1, ports.amqp + 2, ports.master, ports.worker + 1, ports.worker + 2, ports.worker + 3];
  });

  afterAll(async () => {
    // Whatever happened above: bring the stack down, and kill anything of it that a failed `down` left.
    if (existsSync(join(stateDir, 'state.json'))) await cli(['down', '--state-dir', stateDir], 180_000);
    for (const line of processesOf(stateDir)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 240_000);

  it('refuses to start when one of its ports is taken, naming the port and its option', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.master, '127.0.0.1', resolve));
    try {
      const result = await cli(['up', '--detach', '--workers', '3', '--no-dashboard', ...portArgs, '--state-dir', stateDir], 60_000);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`${ports.master} (--master-port)`);
      expect(processesOf(stateDir)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 90_000);

  it('up --detach starts PostgreSQL, RabbitMQ, the master and 3 workers, and returns once the master sees them', async () => {
    const result = await cli(['up', '--detach', '--workers', '3', '--no-dashboard', ...portArgs, '--state-dir', stateDir], 420_000);
    upOutput = result.output;
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    stackUp = true;
    expect(result.output).toContain('3 worker(s) registered (w1, w2, w3)');
    expect(result.output).toMatch(/log in as admin, password \S{12,}/);
    expect(listening(allPorts).sort((a, b) => a - b)).toEqual([...allPorts].sort((a, b) => a - b));
  }, 450_000);

  it('status lists each process alive on its port and the 3 workers the master sees', async () => {
    if (!stackUp) throw new Error(`the stack did not come up:\n${upOutput}`);
    const result = await cli(['status', '--json', '--state-dir', stateDir], 60_000);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as StackStatus;
    expect(status.up).toBe(true);
    expect(status.processes.map((p) => [p.name, p.alive, p.port])).toEqual([
      ['postgres', true, ports.pg],
      ['rabbitmq', true, ports.amqp],
      ['master', true, ports.master],
      ['worker-1', true, ports.worker + 1],
      ['worker-2', true, ports.worker + 2],
      ['worker-3', true, ports.worker + 3],
    ]);
    expect(status.workersSeen?.map((w) => w.id).sort()).toEqual(['w1', 'w2', 'w3']);
    // Its human form too.
    const text = await cli(['status', '--state-dir', stateDir], 60_000);
    expect(text.output).toMatch(/worker-3\s+\d+\s+yes\s+\d+/);
  }, 120_000);

  it('runs a plan over the 3 workers: each carries a share with requests, adding up to what the target served', async () => {
    if (!stackUp) throw new Error(`the stack did not come up:\n${upOutput}`);
    const plan = await api<PlanResource>('POST', '/api/v1/plans', {
      name: 'stack',
      baseUrl: target.url,
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    expect(plan.status).toBe(201);
    target.resetStats();
    const started = await api<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 6, durationSeconds: 3 });
    expect(started.status).toBe(201);
    expect(started.body.workers.map((w) => [w.workerId, w.connections]).sort()).toEqual([
      ['w1', 2],
      ['w2', 2],
      ['w3', 2],
    ]);
    let run: RunResource | undefined;
    for (let i = 0; i < 240; i++) {
      run = (await api<RunResource>('GET', `/api/v1/runs/${started.body.id}`)).body;
      if (run.state !== 'pending' && run.state !== 'running') break;
      await sleep(500);
    }
    expect(run?.state).toBe('finished');
    expect(run?.workers.map((w) => [w.workerId, w.state]).sort()).toEqual([
      ['w1', 'finished'],
      ['w2', 'finished'],
      ['w3', 'finished'],
    ]);
    let total = 0;
    for (const id of ['w1', 'w2', 'w3']) {
      const range = await api<RangeSummary>('GET', `/api/v1/runs/${started.body.id}/summary?worker=${id}`);
      expect(range.status).toBe(200);
      expect(range.body.worker).toBe(id);
      expect(range.body.summary.requests).toBeGreaterThan(0);
      total += range.body.summary.requests;
    }
    expect(total).toBe(run?.summary?.requests);
    expect(total).toBe(target.stats().served);
  }, 180_000);

  it('down stops everything: no pid file, no process, no port of the stack left', async () => {
    if (!stackUp) throw new Error(`the stack did not come up:\n${upOutput}`);
    const before = processesOf(stateDir);
    // The services and their helpers (PostgreSQL's backends, the Erlang VM, its epmd, the workers): many processes.
    expect(before.length).toBeGreaterThanOrEqual(7);
    const result = await cli(['down', '--state-dir', stateDir], 180_000);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(result.output).toContain('no process of the stack is left');
    // Workers first, then the master, RabbitMQ and PostgreSQL.
    const order = ['worker-1', 'master stopped', 'rabbitmq stopped', 'postgres stopped'].map((s) => result.output.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(readdirSync(join(stateDir, 'run'))).toEqual([]);
    expect(processesOf(stateDir)).toEqual([]);
    for (const line of before) expect(existsSync(`/proc/${line.split(' ')[0]}`)).toBe(false);
    expect(listening(allPorts)).toEqual([]);
    const status = await cli(['status', '--json', '--state-dir', stateDir], 60_000);
    expect(status.code).toBe(1);
    expect((JSON.parse(status.stdout) as StackStatus).marked).toBe(0);
  }, 240_000);

  it('up in the foreground streams each process’s log prefixed, and Ctrl-C (SIGINT) brings everything down', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/stack/src/main.ts', 'up', '--workers', '1', '--no-dashboard', ...portArgs, '--state-dir', stateDir],
      {
        cwd: REPO_ROOT,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 1200 && !output.includes('Ctrl-C stops everything') && child.exitCode === null; i++) await sleep(250);
      expect(output).toContain('Ctrl-C stops everything');
      for (const name of ['postgres', 'rabbitmq', 'master', 'worker-1']) expect(output).toMatch(new RegExp(`^\\[${name}\\] +\\S`, 'm'));
      expect(processesOf(stateDir).length).toBeGreaterThan(0);
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      const code = await exited;
      clearTimeout(timer);
      expect({ code, output: output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(output).toContain('SIGINT: stopping the stack');
      expect(output).toContain('no process of the stack is left');
      expect(processesOf(stateDir)).toEqual([]);
      expect(listening(allPorts)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 420_000);
});
