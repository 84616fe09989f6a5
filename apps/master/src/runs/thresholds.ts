import { checkThresholdSpecs, type ScopedThreshold } from '@loadtest/metrics';
import { httpSteps, type Plan, type ThresholdSpec } from '@loadtest/protocol';
import { InvalidRunRequest } from './run-errors.js';

/** A run's thresholds parsed against its plan (libs/metrics' checkThresholdSpecs); any issue refuses the run. */
export function parseThresholdSpecs(specs: readonly ThresholdSpec[], plan: Plan): ScopedThreshold[] {
  const { thresholds, issues } = checkThresholdSpecs(
    specs,
    httpSteps(plan.steps).map((step) => step.name),
  );
  if (issues.length > 0) throw new InvalidRunRequest(`invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return thresholds;
}
