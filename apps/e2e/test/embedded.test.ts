import type { PlanResource, RunResource, WorkerList } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@loadtest/process';
import { api, runInState, sleep, startCommand, storedWindows, summaryOf, until, type LogRecord, type RunningProcess } from './harness.js';

const npmStartEnv = (port: number, dataDir: string) => ({ PORT: String(port), LOADTEST_DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', AMQP_URL: '' });

/**
 * Starts `npm start` and waits for "master ready", asking the port from the
 * very start: returns the first answer it gave (the local worker must already
 * be in it, online).
 */
async function startNpm(
  name: string,
  port: number,
  dataDir: string,
): Promise<{ proc: RunningProcess; readyMs: number; ready: LogRecord; firstAnswer: WorkerList }> {
  const began = Date.now();
  const proc = startCommand(name, 'npm', ['start'], npmStartEnv(port, dataDir));
  let firstAnswer: WorkerList | undefined;
  let asking = true;
  const ask = (async () => {
    while (asking && !firstAnswer) {
      firstAnswer = await api<WorkerList>(`http://127.0.0.1:${port}`, 'GET', '/api/v1/workers').then(
        (r) => r.body,
        () => undefined,
      );
      await sleep(20);
    }
  })();
  try {
    const ready = await proc.waitForLog((r) => r.msg === 'master ready', 60_000);
    const readyMs = Date.now() - began;
    await until(() => firstAnswer, 10_000, 'first answer of the port');
    return { proc, readyMs, ready, firstAnswer: firstAnswer! };
  } finally {
    asking = false;
    await ask;
  }
}

/** Pids of the processes whose command line names `dataDir`: the embedded postmaster and its children. */
function processesUsing(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exitOf(proc: RunningProcess, timeoutMs: number): Promise<number | null> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.name} did not exit within ${timeoutMs} ms:\n${proc.output.slice(-20).join('\n')}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * The zero-setup default exactly as the README starts it: `npm start`, with an
 * embedded PostgreSQL, the in-process transport and one local worker thread.
 */
describe('embedded default: npm start', () => {
  let dataDir: string;
  let target: TargetServer;
  let port: number;
  let base: string;
  let master: RunningProcess | undefined;

  const start = async (name: string) => {
    const started = await startNpm(name, port, dataDir);
    // Ready means usable: the very first answer of the port lists the local worker, online.
    expect(started.firstAnswer.items.map((w) => [w.id, w.state])).toEqual([['local-1', 'online']]);
    return started;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadtest-data-'));
    // Run as root (as CI is), PostgreSQL runs as the postgres user, which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    target = await startTarget();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await master?.stop();
    await target?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts, runs a plan on the local worker thread with exact totals, and keeps its data across a restart', async () => {
    const first = await start('embedded-1');
    master = first.proc;
    expect(first.ready).toMatchObject({ transport: 'in-process', localWorkers: 1 });
    expect(String(first.ready.database)).toContain(dataDir);
    const pgLog = first.proc.logs.find((r) => r.msg === 'embedded PostgreSQL started')!;
    expect(pgLog.dataDir).toBe(join(dataDir, 'postgres'));

    const workers = await api<WorkerList>(base, 'GET', '/api/v1/workers');
    expect(workers.body.items.map((w) => w.id)).toEqual(['local-1']);

    const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
      name: 'embedded',
      baseUrl: target.url,
      requests: [
        { name: 'root', method: 'GET', path: '/' },
        { name: 'echo', method: 'POST', path: '/echo', body: { hello: 'world' } },
      ],
    });
    expect(plan.status).toBe(201);
    target.resetStats();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${plan.body.id}/runs`, { connections: 10, durationSeconds: 5 });
    expect(started.status).toBe(201);
    const run = await runInState(base, started.body.id, 'finished', 30_000);
    const stats = target.stats();
    const reported = run.summary!.requests;
    // eslint-disable-next-line no-console -- the figures the issue asks for, in the test output
    console.log(
      `e2e embedded: npm start ready in ${first.readyMs} ms (master's own start-up ${String(first.ready.startupMs)} ms); reported ${reported} requests, target served ${stats.served}, difference ${stats.served - reported} (10 connections)`,
    );
    expect(reported).toBeGreaterThan(500);
    // The requests in flight at the end finish within the gracefulStop and are counted: every one the target served.
    expect(reported).toBe(stats.served);
    // Both requests of the plan ran, in turn, on every connection.
    expect(Math.abs(stats.byRoute['GET /']! - stats.byRoute['POST /echo']!)).toBeLessThanOrEqual(10);

    const dbUrl = `postgresql://postgres:loadtest@127.0.0.1:${String(pgLog.port)}/postgres`;
    const stored = await storedWindows(dbUrl, run.id);
    expect(stored.map((w) => w.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(run.summary).toEqual(summaryOf(stored));

    await first.proc.stop('SIGTERM');
    master = undefined;
    // A clean shutdown: the master said so, and its PostgreSQL is down (no lock file left).
    expect(first.proc.logs.some((r) => r.msg === 'shutting down')).toBe(true);
    expect(first.proc.logs.some((r) => r.msg === 'shutdown failed')).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // Data survives a restart of the master and its embedded PostgreSQL.
    const second = await start('embedded-2');
    master = second.proc;
    const again = await api<RunResource>(base, 'GET', `/api/v1/runs/${run.id}`);
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual(run.summary);
    const plans = await api<{ items: PlanResource[] }>(base, 'GET', '/api/v1/plans');
    expect(plans.body.items.map((p) => p.id)).toContain(plan.body.id);
  });

  (process.getuid?.() !== 0 ? it.skip : it)('as root, refuses a data folder the postgres user cannot reach, and says how to fix it', async () => {
    const hidden = await mkdtemp(join(tmpdir(), 'loadtest-private-'));
    try {
      const proc = startCommand('embedded-private', 'npm', ['start'], {
        PORT: String(await freePort()),
        LOADTEST_DATA_DIR: join(hidden, 'data'),
        DATABASE_URL: '',
        AMQP_URL: '',
      });
      const failed = await proc.waitForLog((r) => r.msg === 'master failed to start', 60_000).catch((error: unknown) => ({ err: { message: String(error) } }));
      await proc.stop();
      expect(JSON.stringify(failed)).toContain(`cannot reach the data folder`);
      expect(JSON.stringify(failed)).toContain(`chmod o+x ${hidden}`);
    } finally {
      await rm(hidden, { recursive: true, force: true });
    }
  });
});

/**
 * `npm start` stops cleanly on the signals a terminal or a process manager
 * sends: SIGTERM or SIGINT to the npm process alone, or to its whole process
 * group. Each time the master drains (a run in progress finishes), then stops
 * its embedded PostgreSQL, and exits 0 — nothing of it left behind. A master
 * killed outright leaves no PostgreSQL behind for long either (its watchdog).
 */
describe('embedded default: npm start stops cleanly', () => {
  let dataDir: string;
  let target: TargetServer;
  let port: number;
  let base: string;
  let planId: string;
  let current: RunningProcess | undefined;
  /** Runs in progress when a master was signalled: each must be found finished by the next one. */
  const drainedRuns: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadtest-signals-'));
    await chmod(dataDir, 0o755);
    target = await startTarget();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await current?.stop('SIGKILL');
    await until(() => processesUsing(dataDir).length === 0, 15_000, 'embedded PostgreSQL gone').catch(() => undefined);
    for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
    await target?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const cases: { signal: NodeJS.Signals; to: 'npm' | 'group' }[] = [
    { signal: 'SIGTERM', to: 'npm' },
    { signal: 'SIGINT', to: 'npm' },
    { signal: 'SIGTERM', to: 'group' },
    { signal: 'SIGINT', to: 'group' },
  ];
  for (const { signal, to } of cases) {
    it(`${signal} to the ${to === 'npm' ? 'npm process' : "npm process's group"}: drains, stops PostgreSQL, exits 0`, async () => {
      const { proc, ready, firstAnswer } = await startNpm(`embedded-${signal}-${to}`, port, dataDir);
      current = proc;
      expect(firstAnswer.items.map((w) => [w.id, w.state])).toEqual([['local-1', 'online']]);
      const masterPid = Number(ready.pid);
      // The runs a previous master drained were finished before its PostgreSQL stopped.
      for (const runId of drainedRuns) expect((await api<RunResource>(base, 'GET', `/api/v1/runs/${runId}`)).body.state).toBe('finished');

      if (!planId) {
        const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
          name: 'signals',
          baseUrl: target.url,
          requests: [{ name: 'root', method: 'GET', path: '/' }],
        });
        planId = plan.body.id;
      }
      const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${planId}/runs`, { connections: 2, durationSeconds: 4 });
      expect(started.status).toBe(201);
      await runInState(base, started.body.id, 'running', 20_000);
      drainedRuns.push(started.body.id);

      process.kill(to === 'npm' ? proc.child.pid! : -proc.child.pid!, signal);
      const code = await exitOf(proc, 60_000);
      current = undefined;
      proc.saveOutput();
      expect(code).toBe(0);
      expect(alive(masterPid)).toBe(false);
      // Its PostgreSQL stopped before the master exited (it waits for the postmaster's exit).
      expect(processesUsing(dataDir)).toEqual([]);
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      // Drained first (the run in progress finished), then PostgreSQL stopped, then the master closed.
      const at = (msg: string) => proc.logs.findIndex((r) => r.msg === msg);
      expect(at('shutting down: waiting for the runs in progress (signal again to close now)')).toBeGreaterThanOrEqual(0);
      expect(at('run ended')).toBeGreaterThan(at('shutting down: waiting for the runs in progress (signal again to close now)'));
      expect(at('embedded PostgreSQL stopped')).toBeGreaterThan(at('run ended'));
      expect(at('master closed')).toBeGreaterThan(at('run ended'));
      expect(proc.logs.filter((r) => Number(r.level) >= 50)).toEqual([]);
      expect(proc.logs.some((r) => r.msg === 'closing with runs in progress: the next master takes them up')).toBe(false);
      expect(proc.output.filter((line) => /PrismaClient|Can't reach database/.test(line))).toEqual([]);
    }, 120_000);
  }

  it('SIGKILL of the master: its PostgreSQL stops soon after (watchdog), and the next start works', async () => {
    const { proc, ready } = await startNpm('embedded-sigkill', port, dataDir);
    current = proc;
    for (const runId of drainedRuns) expect((await api<RunResource>(base, 'GET', `/api/v1/runs/${runId}`)).body.state).toBe('finished');
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    process.kill(Number(ready.pid), 'SIGKILL');
    const killedAt = Date.now();
    await until(() => processesUsing(dataDir).length === 0, 15_000, 'embedded PostgreSQL gone after its master was killed');
    // eslint-disable-next-line no-console -- the figure, in the test output
    console.log(`e2e embedded: PostgreSQL gone ${Date.now() - killedAt} ms after its master was killed`);
    await exitOf(proc, 15_000);
    current = undefined;
    proc.saveOutput();

    const again = await startNpm('embedded-after-sigkill', port, dataDir);
    current = again.proc;
    expect(again.firstAnswer.items.map((w) => [w.id, w.state])).toEqual([['local-1', 'online']]);
    expect(await again.proc.stop('SIGTERM')).toBe(0);
    current = undefined;
    expect(processesUsing(dataDir)).toEqual([]);
  }, 120_000);
});
