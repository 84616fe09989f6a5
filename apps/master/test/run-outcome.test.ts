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

  it('a lost share split into parts is carried on when its parts cover its segment exactly, not when a piece went without', () => {
    const f = (num: number, den: number) => ({ num, den });
    const seg = (from: [number, number], to: [number, number]) => ({ from: f(...from), to: f(...to) });
    const withSegment = (s: ShareAtEnd, segment: ShareAtEnd['segment']): ShareAtEnd => ({ ...s, segment });
    const own = [withSegment(share('a', 0, 'finished'), seg([0, 1], [1, 3])), withSegment(share('b', 1, 'finished'), seg([1, 3], [2, 3]))];
    const lost = withSegment(share('c', 2, 'lost', 'lost at second 4; its segment [2/3, 1/1) was split …'), seg([2, 3], [1, 1]));
    const partA = withSegment(share('a~1', 2, 'finished'), seg([2, 3], [5, 6]));
    const partB = withSegment(share('b~1', 2, 'finished'), seg([5, 6], [1, 1]));
    expect(runOutcome([...own, lost, partA, partB], plain)).toEqual({ state: 'finished', reasons: [] });
    // Only the first part: the last sixth went without.
    const short = runOutcome([...own, lost, partA], plain);
    expect(short.state).toBe('finished');
    expect(short.reasons).toEqual(['ran with less load than planned: c lost at second 4; its segment [2/3, 1/1) was split …']);
    // A part lost in turn and split again: its own parts carry it on, and so the lost share too.
    const lostB = { ...partB, state: 'lost' as const, reason: 'lost at second 6; …' };
    const again = withSegment(share('a~2', 2, 'finished'), seg([5, 6], [1, 1]));
    expect(runOutcome([...own.slice(0, 1), { ...own[1]!, state: 'lost', reason: 'lost at second 6; …' }, lost, partA, lostB, again], plain).reasons).toEqual([
      'ran with less load than planned: b lost at second 6; …',
    ]);
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
    const aborted = runOutcome([share('a', 0, 'lost', 'lost at second 2; the run was aborted'), share('b', 1, 'stopped')], {
      ...plain,
      aborted: 'aborted: worker a was lost at second 2 (onWorkerLoss: abort)',
    });
    expect(aborted).toEqual({ state: 'failed', reasons: ['aborted: worker a was lost at second 2 (onWorkerLoss: abort)'] });
    expect(runOutcome([share('a', 0, 'failed', 'cannot publish window 3'), share('b', 1, 'interrupted', 'no word')], plain)).toEqual({
      state: 'failed',
      reasons: ['interrupted: b: no word', 'worker failures: a: cannot publish window 3'],
    });
  });
});
