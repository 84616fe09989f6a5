import type { PlanResource, RunResource, Timeline } from '@loadtest/protocol';
import { InProcessHub } from '@loadtest/transport';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { startLocalWorkers, type LocalWorkers } from '../src/local-workers.js';
import { createTestDatabase, silent, until, type TestDatabase } from './support.js';

/**
 * Warm start: every connection a share needs at its start is open before the
 * run's common start instant, so the first second measures the target, not
 * the workers connecting. Three workers on the master's default start lead,
 * real PostgreSQL, in-process transport; the figures are the stored
 * per-second windows (the run's 1 s timeline), merged over the workers.
 * tools/target runs in a process of its own: on the master's event loop, the
 * master's own pauses (its first windows, its database) would be the target's.
 */
describe('warm start: second 0 is measured like every other second', () => {
  let db: TestDatabase;
  let target: { url: string; process: ChildProcess };
  let hub: InProcessHub;
  let master: Master;
  let workers: LocalWorkers;

  const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json() as T };
  };

  /** Runs `scenario` against `path`; resolves with the p99 (ms) of each whole second of the run, second 0 first. */
  async function p99PerSecond(path: string, scenario: Record<string, unknown>): Promise<number[]> {
    const plan = await inject<PlanResource>('POST', '/api/v1/plans', { name: 'warm', baseUrl: target.url, requests: [{ name: 'call', method: 'GET', path }] });
    // Wait for idle workers: the previous run's shares may still be reporting their end.
    await until(() => master.registry.available().length === 3, 20_000, '3 workers idle');
    const started = await inject<RunResource>('POST', `/api/v1/plans/${plan.body.id}/runs`, { scenarios: [scenario] });
    withMessage(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    const ended = await until(
      async () => {
        const r = await inject<RunResource>('GET', `/api/v1/runs/${started.body.id}`);
        return r.body.state === 'finished' ? r.body : undefined;
      },
      60_000,
      'run finished',
    );
    expect(ended.workers.filter((w) => w.windows > 0).map((w) => w.workerId)).toHaveLength(3);
    const timeline = await inject<Timeline>('GET', `/api/v1/runs/${started.body.id}/timeline?bucket=1s`);
    // The last second is cut by the run's end (requests in flight are not answered): only the whole seconds count.
    const whole = timeline.body.points.filter((p) => p.second < ended.load.durationSeconds - 1);
    expect(whole.map((p) => p.second)).toEqual([...Array(ended.load.durationSeconds - 1).keys()]);
    return whole.map((p) => p.latencyMicros!.p99 / 1000);
  }

  /**
   * Second 0's p99 may be at most twice the median of the later seconds' p99, and never less than that median
   * plus 10 ms. The target answers in 1–3 ms, and the first requests of fresh connections cost a few ms more on
   * both ends (measured with the default lead on a quiet machine: second 0 2–8 ms above the median, on the code
   * before and after issue 11's adapter), so 2× a 1.5 ms median alone would test that noise, not the start.
   * A cold start (connections opened at the start instant) costs tens to hundreds of ms (195 and 532 ms before
   * the warm start).
   */
  function expectWarm(what: string, p99s: number[]) {
    const [first, ...rest] = p99s;
    const sorted = [...rest].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const bound = Math.max(2 * median, median + 10);
    // eslint-disable-next-line no-console -- the measured figures the issue asks for, in the test output
    console.info(
      `${what}: p99 per second (ms) ${p99s.map((p) => p.toFixed(2)).join(', ')}; second 0 ${first!.toFixed(2)} ms vs median of the others ${median.toFixed(2)} ms (bound ${bound.toFixed(2)} ms)`,
    );
    expect(rest.length).toBeGreaterThanOrEqual(4);
    expect(first!).toBeLessThanOrEqual(bound);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTargetProcess();
    hub = new InProcessHub(silent);
    // The master's default start lead: what it promises is what is tested.
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent });
    await master.listenToWorkers();
    workers = startLocalWorkers(hub, 3, silent);
    await until(() => master.registry.available().length === 3, 20_000, '3 workers online');
    // One short run first, not measured: the target's and the workers' code is then compiled, as it is after any
    // first run. What is measured is how each run starts, not how a fresh process first runs its code.
    await p99PerSecond('/', { name: 'warm-up', executor: 'constant-arrival-rate', rate: 100, duration: 3, maxVUs: 30 });
  }, 90_000);

  afterAll(async () => {
    await master.app.close();
    await workers.stop();
    await hub.close();
    target.process.kill('SIGTERM');
    await db.drop();
  }, 60_000);

  it('constant-arrival-rate 300/s on 3 workers: second 0 p99 within 2× the median of the others', async () => {
    expectWarm(
      'constant-arrival-rate 300/s, 3 workers',
      await p99PerSecond('/', { name: 'open', executor: 'constant-arrival-rate', rate: 300, duration: 7, maxVUs: 60 }),
    );
  }, 90_000);

  it('constant-vus 30 on 3 workers: second 0 p99 within 2× the median of the others', async () => {
    expectWarm('constant-vus 30, 3 workers', await p99PerSecond('/delay/10', { name: 'closed', executor: 'constant-vus', vus: 30, duration: 7 }));
  }, 90_000);
});

/** tools/target in a child process on a free port; resolves once it listens. */
async function startTargetProcess(): Promise<{ url: string; process: ChildProcess }> {
  const main = fileURLToPath(new URL('../../../tools/target/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tools/target did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`tools/target exited (code ${code}) before listening`)));
    lines.on('line', (line) => {
      const logged = JSON.parse(line) as { url?: string };
      if (!logged.url) return;
      clearTimeout(timer);
      resolve(logged.url);
    });
  });
  return { url, process: child };
}
