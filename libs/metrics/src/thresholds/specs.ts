import type { FieldIssue, ThresholdSpec } from '@loadtest/protocol';
import type { ScopedThreshold } from './types.js';
import { parseThreshold } from './parse.js';

/**
 * Parses a run's thresholds against its plan's step names. Every malformed expression and unknown step is
 * reported at once, by the path an API answer uses, e.g.
 * `thresholds[1].expression: threshold "p95 < 1s": unknown metric "p95" (…)`. The master refuses a run with
 * any issue; the dashboard shows them as they are typed.
 */
export function checkThresholdSpecs(
  specs: readonly Pick<ThresholdSpec, 'expression' | 'step'>[],
  stepNames: readonly string[],
): { thresholds: ScopedThreshold[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const thresholds: ScopedThreshold[] = [];
  specs.forEach((spec, i) => {
    const parsed = parseThreshold(spec.expression);
    if (!parsed.ok) issues.push({ path: `thresholds[${i}].expression`, message: parsed.error });
    if (spec.step !== undefined && !stepNames.includes(spec.step)) {
      issues.push({ path: `thresholds[${i}].step`, message: `unknown step "${spec.step}" (the plan's steps: ${stepNames.join(', ')})` });
    }
    if (parsed.ok) thresholds.push({ threshold: parsed.threshold, ...(spec.step === undefined ? {} : { step: spec.step }) });
  });
  return { thresholds, issues };
}
