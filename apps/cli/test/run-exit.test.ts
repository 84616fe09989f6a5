import { describe, expect, it } from '@jest/globals';
import { runExit } from '../src/commands/run/run-exit.js';
import { EXIT } from '../src/exit-codes.js';
import { finishedRun } from './fixtures.js';

const failedThreshold = { expression: 'p(95)<1ms', step: null, ok: false, value: 3210, display: '3.21ms' };

describe('the exit code of loadtest run', () => {
  it('0 when the run finished and every threshold held', () => {
    expect(runExit(finishedRun(), false)).toEqual({ code: EXIT.ok, reason: 'every threshold passed' });
  });

  it('99 when a threshold failed, naming it with its value', () => {
    const run = finishedRun({ verdict: 'failed', thresholdResults: [failedThreshold] });
    expect(runExit(run, false)).toEqual({ code: 99, reason: '1 threshold failed: p(95)<1ms (3.21ms)' });
  });

  it('98 when a threshold aborted the run', () => {
    const run = finishedRun({
      state: 'failed',
      verdict: 'failed',
      thresholdResults: [failedThreshold],
      error: 'aborted: threshold "p(95)<1ms" failed at second 2 with 3.21ms',
    });
    expect(runExit(run, false).code).toBe(98);
  });

  it('97 when the run failed otherwise, or was stopped by someone else', () => {
    expect(runExit(finishedRun({ state: 'failed', verdict: 'failed', error: 'worker failures: w1: boom' }), false)).toEqual({
      code: 97,
      reason: 'the run failed: worker failures: w1: boom',
    });
    expect(runExit(finishedRun({ state: 'stopped' }), false).code).toBe(97);
    expect(runExit(finishedRun({ state: 'interrupted' }), false).code).toBe(97);
  });

  it('130 after Ctrl-C, whatever the thresholds', () => {
    expect(runExit(finishedRun({ state: 'stopped', thresholdResults: [failedThreshold] }), true)).toEqual({
      code: 130,
      reason: 'interrupted (Ctrl-C): the run was stopped',
    });
  });
});
