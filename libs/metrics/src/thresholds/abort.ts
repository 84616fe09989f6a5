import type { ThresholdOutcome, ThresholdSpec } from '@loadtest/protocol';

/**
 * The first `abortOnFail` threshold that fails at `second`, past its grace, and the run's error in the words every
 * reader expects (`aborted: threshold "…" failed at second N with …`: the CLI's exit code reads them); none when the
 * run goes on. `outcomes` come in the order of `specs`.
 */
export function thresholdAbort(
  specs: readonly Pick<ThresholdSpec, 'abortOnFail' | 'abortGraceSeconds'>[],
  outcomes: readonly ThresholdOutcome[],
  second: number,
): { outcome: ThresholdOutcome; reason: string } | undefined {
  const failed = outcomes.findIndex((o, i) => !o.ok && specs[i]?.abortOnFail && second >= (specs[i]?.abortGraceSeconds ?? 0));
  if (failed < 0) return undefined;
  const outcome = outcomes[failed]!;
  return {
    outcome,
    reason: `aborted: threshold "${outcome.expression}"${outcome.step ? ` (step ${outcome.step})` : ''} failed at second ${second} with ${outcome.display}`,
  };
}
