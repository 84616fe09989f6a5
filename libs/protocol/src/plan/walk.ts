import type { HttpStep, Step } from './steps.js';

export type StepKind = Step['kind'];

/**
 * Where each kind of step holds its child flows, in the order a virtual user meets them (`then` before `else`):
 * the one description of the step tree, which every walk below follows. Keyed by every kind, each field checked
 * against its step type: a new kind of step does not compile until it says where its children are (`[]`: none).
 */
export const CHILD_FLOWS = {
  http: [],
  think: [],
  if: ['then', 'else'],
  group: ['steps'],
} as const satisfies { [K in StepKind]: readonly Exclude<keyof Extract<Step, { kind: K }>, 'kind'>[] };

/** A field that holds a child flow (`then`, `else`, `steps`). */
export type ChildFlowField = (typeof CHILD_FLOWS)[StepKind][number];

/** A step's child flows, each already mapped (see {@link mapFlow}). */
export type ChildFlows<T> = Partial<Record<ChildFlowField, T[]>>;

/** The fields of a step of this kind that hold child flows; none for a kind that is not one (input not yet validated). */
export function childFlowFields(kind: unknown): readonly ChildFlowField[] {
  return typeof kind === 'string' && Object.hasOwn(CHILD_FLOWS, kind) ? CHILD_FLOWS[kind as StepKind] : [];
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every step of a flow with its path (`[2, 'then', 0]`), depth first, in the order a virtual user meets them.
 * Reads any input: what is not a list of objects is skipped, so that a plan can be walked before it is valid.
 */
export function* walkFlow(steps: unknown, at: readonly (string | number)[] = []): Generator<{ step: Record<string, unknown>; path: (string | number)[] }> {
  if (!Array.isArray(steps)) return;
  for (const [i, step] of steps.entries()) {
    if (!isRecord(step)) continue;
    const path = [...at, i];
    yield { step, path };
    for (const field of childFlowFields(step.kind)) yield* walkFlow(step[field], [...path, field]);
  }
}

/** Every step of a flow, depth first, in the order a virtual user meets them (`then` before `else`). */
export function* allSteps(steps: readonly Step[]): Generator<Step> {
  // A valid flow's records are its steps.
  for (const { step } of walkFlow(steps)) yield step as unknown as Step;
}

/**
 * Rebuilds a flow bottom up: `map` gets each step with its child flows already mapped, the children of a step
 * before the step, `then` before `else`, siblings in order.
 */
export function mapFlow<T>(steps: readonly Step[], map: (step: Step, children: ChildFlows<T>) => T): T[] {
  return steps.map((step) => {
    const children: ChildFlows<T> = {};
    // The fields CHILD_FLOWS names for this kind hold steps (checked by its `satisfies`).
    const holder = step as unknown as Record<ChildFlowField, readonly Step[]>;
    for (const field of CHILD_FLOWS[step.kind]) children[field] = mapFlow(holder[field], map);
    return map(step, children);
  });
}

/** For the `default` of a switch over step kinds: it does not compile while a kind has no case. */
export function unknownStepKind(step: never): never {
  throw new Error(`unknown step kind ${JSON.stringify((step as { kind?: unknown }).kind)}`);
}

/** The HTTP steps of a flow: each names its own windows, summary and thresholds. */
export function httpSteps(steps: readonly Step[]): HttpStep[] {
  return [...allSteps(steps)].filter((step): step is HttpStep => step.kind === 'http');
}
