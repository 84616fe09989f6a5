import { describe, expect, it } from '@jest/globals';
import { lossAbortReason, lossOutcome } from '../src/runs/worker-loss-policy.js';

// The texts a run's shares and error carry: what the user reads of a worker loss.
describe('worker-loss policy texts', () => {
  it('abort: the run error names the worker, how and when it went', () => {
    expect(lossAbortReason('w2', 'lost', 12)).toBe('aborted: worker w2 was lost at second 12 (onWorkerLoss: abort)');
    expect(lossAbortReason('w2~1', 'left', 3)).toBe('aborted: worker w2~1 left (shut down) at second 3 (onWorkerLoss: abort)');
    expect(lossOutcome('abort', 'lost', 12)).toBe('lost at second 12; the run was aborted');
  });

  it('rebalance: says who took the segment over, or why nobody did', () => {
    expect(lossOutcome('rebalance', 'lost', 5, { taken: 'its segment was taken over by w9' })).toBe('lost at second 5; its segment was taken over by w9');
    expect(lossOutcome('rebalance', 'left', 5, { why: 'too close to the planned end to hand it on' })).toBe(
      'left (shut down) at second 5; the run went on with less load (too close to the planned end to hand it on)',
    );
    expect(lossOutcome('rebalance', 'lost', 5)).toBe('lost at second 5; the run went on with less load (no idle worker could take over)');
  });

  it('continue: the run went on with less load, by policy', () => {
    expect(lossOutcome('continue', 'lost', 7)).toBe('lost at second 7; the run went on with less load (onWorkerLoss: continue)');
  });
});
