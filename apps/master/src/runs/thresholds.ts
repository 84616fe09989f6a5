import { parseThreshold, type ScopedThreshold } from '@loadtest/metrics';
import { httpSteps, type FieldIssue, type Plan, type ThresholdSpec } from '@loadtest/protocol';
import { InvalidRunRequest } from './run-errors.js';

/**
 * Parses a run's thresholds against its plan. Every malformed expression and
 * unknown step is reported at once, by path, e.g.
 * `thresholds[1].expression: threshold "p95 < 1s": unknown metric "p95" (…)`.
 */
export function parseThresholdSpecs(specs: readonly ThresholdSpec[], plan: Plan): ScopedThreshold[] {
  const issues: FieldIssue[] = [];
  const steps = httpSteps(plan.steps).map((step) => step.name);
  const scoped: ScopedThreshold[] = [];
  specs.forEach((spec, i) => {
    const parsed = parseThreshold(spec.expression);
    if (!parsed.ok) issues.push({ path: `thresholds[${i}].expression`, message: parsed.error });
    if (spec.step !== undefined && !steps.includes(spec.step)) {
      issues.push({ path: `thresholds[${i}].step`, message: `unknown step "${spec.step}" (the plan's steps: ${steps.join(', ')})` });
    }
    if (parsed.ok) scoped.push({ threshold: parsed.threshold, ...(spec.step === undefined ? {} : { step: spec.step }) });
  });
  if (issues.length > 0) throw new InvalidRunRequest(`invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return scoped;
}
