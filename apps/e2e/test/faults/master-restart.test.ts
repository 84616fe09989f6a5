import type { WorkerList } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { onTestFinished, withMessage } from '@loadtest/jest';
import { api, sleep, storedWindows, summaryOf, until } from '../harness.js';
import {
  arrivalsWithin,
  describeArrivals,
  describeWindows,
  faultSuite,
  logTime,
  median,
  range,
  runEnded,
  storedShares,
  windowsByWorker,
  workersOnline,
} from './fault-support.js';

const RATE = 200;
const MAX_VUS = 20;
/** The workers' grace without a master, in the second test: short, to keep it short. */
const GRACE_MS = 3000;
/**
 * The masters beat each second, well within the short grace of the second test's workers (by default they beat
 * every 5 s, against a 30 s grace).
 */
const MASTER_ENV = { MASTER_HEARTBEAT_MS: '1000' };

/**
 * kill -9 of the master mid-run, on a private RabbitMQ node: the broker holds
 * what the workers send meanwhile, a new master takes the run up from the
 * database. Then a master that stays away past the workers' grace period: they
 * stop, and the run ends `interrupted` with everything measured until then.
 */
describe('fault: master kill -9 and restart', () => {
  const suite = faultSuite('master', async (suite) => {
    await suite.launchMaster('fault-master-1', MASTER_ENV);
    await suite.createPlan('fault master');
  });
  const launchMaster = async (name: string) => (await suite.launchMaster(name, MASTER_ENV)).master;
  const startRun = (duration: number) => suite.startRun({ rate: RATE, duration, maxVUs: MAX_VUS });

  it('a new master takes the run up from the database; the workers re-register, deliver what the broker held, and the run finishes whole', async () => {
    // Long enough to go on after the new master is up (its start takes 5-10 s here, through tsx, migrations checked).
    const { target } = suite;
    const duration = 24;
    const workers = ['restart-w1', 'restart-w2'].map((id) => suite.launchWorker(id));
    // Idle workers would be given the next test's run: they leave with this test, whatever its outcome.
    onTestFinished(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });
    await workersOnline(suite.base, ['restart-w1', 'restart-w2']);
    const { runId, startMs, endMs } = await startRun(duration);
    const killAt = startMs + 4500;
    await sleep(killAt - Date.now());
    const killedAt = Date.now();
    await suite.master.stop('SIGKILL');
    await sleep(3000);
    const restartAt = Date.now();
    const second = await launchMaster('fault-master-2');
    const readyAt = await logTime(second, (r) => r.msg === 'master ready');
    const takenUpAt = await logTime(second, (r) => r.msg === 'run taken up after start' && r.runId === runId);
    const helloAgainAt = await Promise.all(workers.map((w) => logTime(w, (r) => r.msg === 'a new master instance; saying hello', 15_000)));
    // Re-registered: the new master knows their host and capacity again, not only their heartbeats.
    let listed: WorkerList | undefined;
    await until(
      async () => {
        listed = (await api<WorkerList>(suite.base, 'GET', '/api/v1/workers')).body;
        // Heartbeats alone would list them without host or capabilities: those come with a hello.
        return listed.items.filter((w) => w.host && w.capabilities && w.state !== 'missing' && w.state !== 'lost').length === 2;
      },
      10_000,
      'both workers re-registered',
      async () => listed,
    );

    const run = await runEnded(suite.base, runId, endMs - Date.now() + 30_000);
    const { served, reported, stored, byWorker, shares } = await suite.readings(run);
    const before = arrivalsWithin(target, startMs, killedAt, startMs);
    const down = arrivalsWithin(target, killedAt, Math.min(readyAt, endMs), startMs);
    const after = arrivalsWithin(target, readyAt, endMs, startMs);

    // eslint-disable-next-line no-console -- figures the issue asks for
    console.info(
      [
        `fault master kill -9: killed ${killedAt - startMs} ms into the run, down ${restartAt - killedAt} ms, new master ready ${readyAt - killedAt} ms after the kill`,
        `run taken up ${takenUpAt - readyAt} ms after the new master was ready; workers said hello again ${helloAgainAt.map((t) => t - readyAt).join(' / ')} ms after`,
        describeWindows(shares, byWorker),
        `requests reported ${reported}, target served ${served}, difference ${served - reported}, interrupted ${run.summary?.errors.interrupted}`,
        `arrivals/s ${describeArrivals('before the kill', before)}; ${describeArrivals('master down', down)}; ${describeArrivals('after', after)}`,
        `run ${run.state}${run.error ? `: ${run.error}` : ''}`,
      ].join('\n  '),
    );

    withMessage(run.error ?? '', () => expect(run.state).toBe('finished'));
    for (const share of shares) {
      expect(share.state).toBe('finished');
      expect(share.windowsReported).toBe(duration);
      expect(byWorker.get(share.workerId)!.seqs).toEqual(range(0, duration));
    }
    expect(run.summary).toEqual(summaryOf(stored));
    // Nothing lost to the restart, and the requests in flight at the end finish within the gracefulStop and are
    // counted: reported is exactly what the target served.
    expect(reported).toBe(served);
    expect(run.summary!.errors.interrupted).toBe(0);
    // The workers never noticed: the whole rate while the master was down.
    expect(down.length).toBeGreaterThanOrEqual(2);
    // On a busy machine the new master (compiled at its start) may be up only after the planned end: the run still
    // finishes whole, from what the broker held; the rate after it is checked when there were seconds after it.
    if (readyAt < endMs - 3000) withMessage('the run went on after the new master was up', () => expect(after.length).toBeGreaterThanOrEqual(2));
    for (const seconds of [before, down, after].filter((s) => s.length > 0))
      expect(Math.abs(median(seconds.map((s) => s.arrivals)) - RATE)).toBeLessThanOrEqual(RATE * 0.1);
  }, 120_000);

  it(`a master away past the workers' grace (${GRACE_MS} ms): they stop, and the run ends interrupted with everything measured`, async () => {
    const { target, databaseUrl } = suite;
    const duration = 20;
    const ids = ['grace-w1', 'grace-w2'];
    const workers = ids.map((id) => suite.launchWorker(id, { WORKER_MASTER_GRACE_MS: String(GRACE_MS) }));
    // The first test's workers have stopped, but the master may not have seen them leave yet.
    await workersOnline(suite.base, ids, 60_000, { only: true });
    const { runId, startMs, endMs, workerIds } = await startRun(duration);
    expect(workerIds).toEqual(ids);
    const killAt = startMs + 3500;
    await sleep(killAt - Date.now());
    const killedAt = Date.now();
    await suite.master.stop('SIGKILL');
    const stoppedAt = await Promise.all(workers.map((w) => logTime(w, (r) => r.msg === 'run share ended' && r.state === 'interrupted', 15_000)));
    await sleep(2000);
    const servedWhileAway = target.stats().served;
    await launchMaster('fault-master-3');
    const run = await runEnded(suite.base, runId, 30_000);
    const served = target.stats().served;
    const reported = run.summary?.requests ?? 0;
    const stored = await storedWindows(databaseUrl, runId);
    const byWorker = windowsByWorker(stored);
    const shares = await storedShares(databaseUrl, runId);
    const lastArrivalSecond = Math.max(
      ...target
        .arrivals()
        .filter((s) => s.arrivals > 0)
        .map((s) => s.second),
    );

    // eslint-disable-next-line no-console -- figures the issue asks for
    console.info(
      [
        `fault master away: killed ${killedAt - startMs} ms into a ${duration} s run; workers stopped ${stoppedAt.map((t) => t - killedAt).join(' / ')} ms after the kill (grace ${GRACE_MS} ms)`,
        `last arrival at the target in the second ${lastArrivalSecond * 1000 - killedAt} ms after the kill; planned end was ${endMs - killedAt} ms after it`,
        describeWindows(shares, byWorker),
        `requests reported ${reported}, target served ${served}, difference ${served - reported}, interrupted ${run.summary?.errors.interrupted}`,
        `run ${run.state}: ${run.error}`,
      ].join('\n  '),
    );

    expect(run.state).toBe('interrupted');
    expect(run.error).toMatch(/^interrupted: grace-w1: no word from the master for \d+ s \(grace 3000 ms\); grace-w2: no word from the master/);
    // The grace counts from the last heartbeat heard, up to 1 s before the kill; the check runs every second.
    for (const t of stoppedAt) {
      expect(t - killedAt).toBeGreaterThanOrEqual(GRACE_MS - 1000);
      expect(t - killedAt).toBeLessThan(GRACE_MS + 2500);
    }
    // The load stopped with them, long before the planned end, and nothing was sent while the master was away after that.
    expect(served).toBe(servedWhileAway);
    expect(lastArrivalSecond * 1000).toBeLessThan(endMs - 5000);
    // Everything measured until then is kept: contiguous windows, as many as each worker said, the target's count.
    for (const share of shares) {
      expect(share.state).toBe('interrupted');
      expect(share.windowsReported).toBeGreaterThanOrEqual(5);
      expect(byWorker.get(share.workerId)!.seqs).toEqual(range(0, share.windowsReported!));
    }
    expect(run.summary).toEqual(summaryOf(stored));
    // The workers stopped without waiting: what was in flight then is counted as interrupted (the target may have served it).
    const interrupted = run.summary?.errors.interrupted ?? 0;
    expect(served).toBeGreaterThanOrEqual(reported);
    expect(served).toBeLessThanOrEqual(reported + interrupted);
  }, 120_000);
});
