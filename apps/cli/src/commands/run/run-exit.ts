import type { RunResource } from '@loadtest/protocol';
import { EXIT, type ExitCode } from '../../exit-codes.js';

/** The exit code of `loadtest run`, and the one line that explains it. */
export interface RunExit {
  code: ExitCode;
  reason: string;
}

/** How the master words a threshold's abort in the run's `error` (run-supervisor.ts): `aborted: threshold "…" failed at second N with …`. */
const THRESHOLD_ABORT = /aborted: threshold "/;

/**
 * Decides the exit code from the run as the master recorded it at its end, and whether the user pressed Ctrl-C:
 * Ctrl-C wins (the user knows why it stopped), then a threshold's abort, then a run that did not finish, then the
 * thresholds of a finished run.
 */
export function runExit(run: Pick<RunResource, 'state' | 'verdict' | 'thresholdResults' | 'error'>, interruptedByUser: boolean): RunExit {
  const failed = run.thresholdResults.filter((t) => !t.ok);
  if (interruptedByUser) return { code: EXIT.interrupted, reason: `interrupted (Ctrl-C): the run was ${run.state}` };
  if (run.state === 'failed' && run.error !== null && THRESHOLD_ABORT.test(run.error))
    return { code: EXIT.thresholdAborted, reason: `a threshold aborted the run: ${run.error}` };
  if (run.state !== 'finished') return { code: EXIT.runNotFinished, reason: `the run ${run.state}${run.error ? `: ${run.error}` : ''}` };
  if (failed.length > 0 || run.verdict === 'failed')
    return {
      code: EXIT.thresholdFailed,
      reason: `${failed.length} threshold${failed.length === 1 ? '' : 's'} failed: ${failed.map((t) => `${t.expression}${t.step ? ` [${t.step}]` : ''} (${t.display})`).join(', ')}`,
    };
  return { code: EXIT.ok, reason: run.thresholdResults.length > 0 ? 'every threshold passed' : 'the run finished' };
}
