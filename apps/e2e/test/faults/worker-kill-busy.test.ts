import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { sleep, summaryOf } from '../harness.js';
import { arrivalsWithin, describeArrivals, describeWindows, faultSuite, logTime, median, range, runEnded, workersOnline } from './fault-support.js';

const RATE = 300;
const DURATION = 20;
const MAX_VUS = 30;
const WORKERS = ['busy-w1', 'busy-w2', 'busy-w3'];
const VICTIM = 'busy-w3';
/** What the issue promises: the planned rate, ± 5 %, within 5 s of the loss being declared. */
const TOLERANCE = 0.05;
const RECOVERY_MS = 5000;

/**
 * kill -9 of one of 3 worker processes at 300 requests/s, every worker busy
 * (no idle one to take over), policy `rebalance`: the master declares the
 * worker lost and splits its segment between the two survivors, each running
 * its part beside its own share. Measured at the target: the arrivals per
 * second before, during and after, and when the rate is back.
 */
describe('fault: kill -9 of a worker mid-run with every worker busy (onWorkerLoss: rebalance)', () => {
  const suite = faultSuite('busy', async (suite) => {
    await suite.launchMaster('fault-busy-master', { WORKER_MISSING_AFTER_MS: '1500', WORKER_LOST_AFTER_MS: '3000' });
    for (const id of WORKERS) suite.launchWorker(id);
    await workersOnline(suite.base, WORKERS);
    await suite.createPlan('fault busy');
  });

  it("splits the killed worker's segment between the busy survivors, and the target sees the planned rate again within 5 s of the loss", async () => {
    const { master, base, target, workers } = suite;
    const { runId, workerIds, startMs, endMs } = await suite.startRun({ rate: RATE, duration: DURATION, maxVUs: MAX_VUS, onWorkerLoss: 'rebalance' });
    expect(workerIds).toEqual(WORKERS);

    // Killed half-way through its fifth second: four whole seconds of the full rate before.
    const killAt = startMs + 4500;
    await sleep(killAt - Date.now());
    const killedAt = Date.now();
    await workers.get(VICTIM)!.stop('SIGKILL');

    const declaredLostAt = await logTime(master, (r) => r.msg === 'worker state changed' && r.workerId === VICTIM && r.state === 'lost', 15_000);
    const split = await master.waitForLog((r) => r.msg === 'lost share split among busy workers' && r.runId === runId, 15_000);
    const splitAt = Number(split.time);
    const run = await runEnded(base, runId, endMs - Date.now() + 30_000);
    const { served, stored, byWorker, shares } = await suite.readings(run);

    const before = arrivalsWithin(target, startMs, killedAt, startMs);
    const gap = arrivalsWithin(target, killedAt, declaredLostAt, startMs);
    const afterLoss = arrivalsWithin(target, declaredLostAt, endMs, startMs);
    const within = (s: { arrivals: number }) => Math.abs(s.arrivals - RATE) <= RATE * TOLERANCE;
    // Back: the first whole second from which every second to the run's end has the planned rate ± 5 % (bar one
    // second a busy machine may stall), or at least the first one that has it.
    const backIndex = afterLoss.findIndex((s, i) => within(s) && afterLoss.slice(i).filter((o) => !within(o)).length <= 1);
    const backAt = backIndex >= 0 ? startMs + afterLoss[backIndex]!.at : Number.NaN;
    const settled = afterLoss.filter((s) => startMs + s.at >= declaredLostAt + RECOVERY_MS);

    const parts = run.workers.filter((w) => w.part !== null);
    // eslint-disable-next-line no-console -- figures the issue asks for
    console.info(
      [
        `fault kill -9 with every worker busy: ${VICTIM} killed ${killedAt - startMs} ms into the run (${RATE}/s on ${WORKERS.length} workers)`,
        `loss declared ${declaredLostAt - startMs} ms into the run (${declaredLostAt - killedAt} ms after the kill); split sent ${splitAt - declaredLostAt} ms after`,
        `rate back to ${RATE} ± ${TOLERANCE * 100} % at ${backAt - startMs} ms into the run, ${backAt - declaredLostAt} ms after the loss was declared`,
        `arrivals/s ${describeArrivals('before the kill', before)}; ${describeArrivals('kill → declared lost', gap)}; ${describeArrivals('after the loss', afterLoss)}`,
        `shares: ${run.workers.map((w) => `${w.shareId} (worker ${w.workerId}, part ${w.part ?? '-'}, index ${w.index}, ${w.connections} conn, ${w.segment ? `[${w.segment.from.num}/${w.segment.from.den}, ${w.segment.to.num}/${w.segment.to.den})` : '-'}) ${w.state}: ${w.reason ?? ''}`).join(' | ')}`,
        describeWindows(shares, byWorker),
        `dropped per share: ${[...new Set(stored.map((w) => w.workerId))]
          .map(
            (id) =>
              `${id} ${stored
                .filter((w) => w.workerId === id)
                .map((w) => w.dropped)
                .join('/')}`,
          )
          .join('; ')}`,
        `run ${run.state}${run.error ? `: ${run.error}` : ''}; ${run.summary?.requests} requests, ${run.summary?.dropped} dropped, target served ${served}`,
      ].join('\n  '),
    );

    withMessage(run.error ?? '', () => expect(run.state).toBe('finished'));
    // Who took which part: each survivor runs part 1, a consecutive piece of the lost third, under `<worker>~1`.
    const lost = run.workers.find((w) => w.shareId === VICTIM)!;
    expect(lost.state).toBe('lost');
    expect(lost.reason).toMatch(
      /^lost at second \d+; its segment \[2\/3, 1\/1\) was split among the run's busy workers: busy-w1~1 took \[2\/3, \d+\/\d+\), busy-w2~1 took \[\d+\/\d+, 1\/1\)$/,
    );
    expect(parts.map((p) => [p.shareId, p.workerId, p.part, p.index, p.state])).toEqual([
      ['busy-w1~1', 'busy-w1', 1, 2, 'finished'],
      ['busy-w2~1', 'busy-w2', 1, 2, 'finished'],
    ]);
    expect(parts[0]!.segment!.from).toEqual({ num: 2, den: 3 });
    expect(parts[0]!.segment!.to).toEqual(parts[1]!.segment!.from);
    expect(parts[1]!.segment!.to).toEqual({ num: 1, den: 1 });
    for (const [i, p] of parts.entries())
      expect(p.reason).toMatch(new RegExp(`^took \\[\\d+/\\d+, \\d+/\\d+\\) of ${VICTIM}'s segment \\[2/3, 1/1\\) \\(part ${i + 1} of 2\\) at second \\d+$`));
    // Each part's windows: seq from 0 without a gap, keyed by the run's seconds up to the last.
    for (const p of parts) {
      const windows = byWorker.get(p.shareId)!;
      expect(windows.seqs).toEqual(range(0, windows.seqs.length));
      expect(windows.seconds.at(-1)).toBe(DURATION - 1);
      expect(shares.find((s) => s.workerId === p.shareId)!.windowsReported).toBe(windows.seqs.length);
    }
    expect(run.summary).toEqual(summaryOf(stored));

    // Detection as configured: lost after 3 s of silence.
    expect(declaredLostAt - killedAt).toBeGreaterThanOrEqual(1500);
    expect(declaredLostAt - killedAt).toBeLessThan(5000);
    // At the target: the planned rate before the kill, two thirds until the loss is declared, the planned rate
    // ± 5 % again within 5 s of it.
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(Math.abs(median(before.map((s) => s.arrivals)) - RATE)).toBeLessThanOrEqual(RATE * TOLERANCE);
    expect(gap.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(median(gap.map((s) => s.arrivals)) - (RATE * 2) / 3)).toBeLessThanOrEqual(RATE * 0.1);
    withMessage('time from the loss being declared to the planned rate', () => expect(backAt - declaredLostAt).toBeLessThanOrEqual(RECOVERY_MS));
    expect(settled.length).toBeGreaterThanOrEqual(4);
    expect(Math.abs(median(settled.map((s) => s.arrivals)) - RATE)).toBeLessThanOrEqual(RATE * TOLERANCE);
  }, 150_000);
});
