import { runPeaks } from '@loadtest/execution';
import type { FieldIssue, LoadRequest, Role, RunLoad } from '@loadtest/protocol';
import { InvalidRunRequest } from './run-errors.js';

/** The most one run may ask for. */
export interface RunCaps {
  /** Concurrent virtual users (closed scenarios' VUs and open scenarios' maxVUs, summed over those running together). */
  vus: number;
  /** Requests per second of the open scenarios running together. */
  rate: number;
  durationSeconds: number;
  /** The settings' common prefix, named in a refusal: `LOADTEST_MAX_RUN` (the default) or `LOADTEST_OPERATOR_MAX_RUN`. */
  setting?: string;
}

/** Generous: a cap is there to stop a typing mistake from flooding a target, not to size a normal test. */
export const DEFAULT_RUN_CAPS: RunCaps = { vus: 100_000, rate: 1_000_000, durationSeconds: 7 * 24 * 3600 };

/** The caps that apply to a run request: those of the caller's role (none given: a run the master starts itself, under the general caps). */
export type RunCapsFor = (request: { planId: string; role?: Role | undefined }) => RunCaps;

/** Operators get their own caps (LOADTEST_OPERATOR_MAX_RUN_*, by default the general ones); admins the general caps. */
export function capsPerRole(general: RunCaps, operator: RunCaps): RunCapsFor {
  return ({ role }) => (role === 'operator' ? operator : general);
}

/** Each cap the run's planned peaks go over, as a 400 naming the cap, its setting and the run's value. */
export function checkRunCaps(load: RunLoad, request: LoadRequest, caps: RunCaps): void {
  const peaks = runPeaks(load);
  const shorthand = !request.scenarios;
  const issues: FieldIssue[] = [];
  if (peaks.vus > caps.vus)
    issues.push({
      path: shorthand ? 'connections' : 'scenarios',
      message: `the run peaks at ${peaks.vus} virtual users at once, over the cap of ${caps.vus} (${caps.setting ?? 'LOADTEST_MAX_RUN'}_VUS)`,
    });
  if (peaks.rate > caps.rate)
    issues.push({
      path: 'scenarios',
      message: `the run peaks at ${peaks.rate} requests per second, over the cap of ${caps.rate} (${caps.setting ?? 'LOADTEST_MAX_RUN'}_RATE)`,
    });
  if (peaks.durationSeconds > caps.durationSeconds)
    issues.push({
      path: shorthand ? 'durationSeconds' : 'scenarios',
      message: `the run lasts ${peaks.durationSeconds} s, over the cap of ${caps.durationSeconds} s (${caps.setting ?? 'LOADTEST_MAX_RUN'}_DURATION_S)`,
    });
  if (issues.length > 0) throw new InvalidRunRequest(`the run is over its caps: ${issues.map((i) => i.message).join('; ')}`, issues);
}
