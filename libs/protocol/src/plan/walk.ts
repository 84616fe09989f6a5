import type { HttpStep, Step } from './steps.js';

/** Every step of a flow, depth first, in the order a virtual user meets them (`then` before `else`). */
export function* allSteps(steps: readonly Step[]): Generator<Step> {
  for (const step of steps) {
    yield step;
    if (step.kind === 'if') {
      yield* allSteps(step.then);
      yield* allSteps(step.else);
    } else if (step.kind === 'group') {
      yield* allSteps(step.steps);
    }
  }
}

/** The HTTP steps of a flow: each names its own windows, summary and thresholds. */
export function httpSteps(steps: readonly Step[]): HttpStep[] {
  return [...allSteps(steps)].filter((step): step is HttpStep => step.kind === 'http');
}
