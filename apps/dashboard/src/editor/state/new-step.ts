import { draftSteps, isRecord, type JsonRecord, type PlanDraft, type StepKind } from './plan-draft.js';

export const STEP_KINDS: readonly StepKind[] = ['http', 'think', 'if', 'group'];

/** `request N` with the first N no step of the plan is named: HTTP step names must be unique across the flow. */
export function freshRequestName(plan: PlanDraft, taken: ReadonlySet<string> = new Set()): string {
  const names = new Set(taken);
  for (const { step } of draftSteps(plan)) if (isRecord(step) && typeof step.name === 'string') names.add(step.name);
  let n = 1;
  while (names.has(`request ${n}`)) n++;
  return `request ${n}`;
}

/** A new step of this kind, valid as it is (a group needs a step: it gets a request). */
export function newStep(kind: StepKind, plan: PlanDraft): JsonRecord {
  switch (kind) {
    case 'http':
      return { kind: 'http', name: freshRequestName(plan), method: 'GET', url: '/' };
    case 'think':
      return { kind: 'think', ms: 1000 };
    case 'if':
      return { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [], else: [] };
    case 'group':
      return { kind: 'group', name: 'loop', repeat: 2, steps: [{ kind: 'http', name: freshRequestName(plan), method: 'GET', url: '/' }] };
  }
}

/** What /plans/new starts from: the smallest valid plan. */
export function newPlan(): PlanDraft {
  return { version: 1, name: 'new plan', baseUrl: 'https://example.com', steps: [{ kind: 'http', name: 'request 1', method: 'GET', url: '/' }] };
}
