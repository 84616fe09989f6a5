import { describe, expect, it } from '@jest/globals';
import { runOutcome, type ShareAtEnd } from '../src/runs/run-outcome.js';

const share = (workerId: string, index: number, state: ShareAtEnd['state'], reason: string | null = null): ShareAtEnd => ({ workerId, index, state, reason });
const plain = { stopRequested: false, recovered: false };

describe('runOutcome', () => {
  it('finished when every share finished, stopped when any was stopped by a master, with no reason', () => {
    expect(runOutcome([share('a', 0, 'finished'), share('b', 1, 'finished')], plain)).toEqual({ state: 'finished', reasons: [] });
    expect(runOutcome([share('a', 0, 'stopped'), share('b', 1, 'finished')], plain)).toEqual({ state: 'stopped', reasons: [] });
    expect(runOutcome([share('a', 0, 'finished')], { ...plain, stopRequested: true }).state).toBe('stopped');
  });

  it('a lost share taken over is no loss of load; one nobody carried on is said, and all of them gone is a failure', () => {
    const lost = share('a', 0, 'lost', 'lost at second 3; its segment was taken over by c');
    expect(runOutcome([lost, share('b', 1, 'finished'), share('c', 0, 'finished')], plain)).toEqual({ state: 'finished', reasons: [] });
    const alone = share('a', 0, 'lost', 'lost at second 3; the run went on with less load (onWorkerLoss: continue)');
    expect(runOutcome([alone, share('b', 1, 'finished')], plain)).toEqual({
      state: 'finished',
      reasons: ['ran with less load than planned: a lost at second 3; the run went on with less load (onWorkerLoss: continue)'],
    });
    // A taker that was lost in turn carries nothing on.
    const outcome = runOutcome([alone, share('b', 1, 'left', 'left (shut down) at second 5; …'), share('c', 0, 'lost', 'lost at second 9; …')], plain);
    expect(outcome.state).toBe('failed');
    expect(outcome.reasons[0]).toMatch(/^every worker of the run was lost or left: a lost at second 3/);
  });

  it('interrupted when a worker stopped for want of the master, or when shares never reported again after a restart', () => {
    expect(runOutcome([share('a', 0, 'interrupted', 'no word from the master for 31 s (grace 30000 ms)'), share('b', 1, 'finished')], plain)).toEqual({
      state: 'interrupted',
      reasons: ['interrupted: a: no word from the master for 31 s (grace 30000 ms)'],
    });
    const cutOff = runOutcome([share('a', 0, 'started'), share('b', 1, 'finished')], { ...plain, recovered: true, forced: 'run overdue by 30000 ms' });
    expect(cutOff.state).toBe('interrupted');
    expect(cutOff.reasons).toEqual(['interrupted: the master restarted during the run and these workers never reported again: a']);
    // The same silence without a restart is the workers' failure.
    expect(runOutcome([share('a', 0, 'started')], { ...plain, forced: 'run overdue by 30000 ms' })).toEqual({
      state: 'failed',
      reasons: ['workers that did not report an end: a'],
    });
  });

  it('failed on an abort or a worker failure, which win over every other end', () => {
    const aborted = runOutcome([share('a', 0, 'lost', 'lost at second 2; the run was aborted'), share('b', 1, 'stopped')], { ...plain, aborted: 'aborted: worker a was lost at second 2 (onWorkerLoss: abort)' });
    expect(aborted).toEqual({ state: 'failed', reasons: ['aborted: worker a was lost at second 2 (onWorkerLoss: abort)'] });
    expect(runOutcome([share('a', 0, 'failed', 'cannot publish window 3'), share('b', 1, 'interrupted', 'no word')], plain)).toEqual({
      state: 'failed',
      reasons: ['interrupted: b: no word', 'worker failures: a: cannot publish window 3'],
    });
  });
});
