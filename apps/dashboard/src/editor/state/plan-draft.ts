import type { PlanPath } from '../editor-issue.js';

/**
 * The plan being edited: a JSON value exactly as written (key order kept), which may be invalid while it is edited.
 * Nothing here assumes the schema holds; only `PlanSchema` (via validation) says whether it does.
 */
export type PlanDraft = JsonRecord;
export type JsonRecord = { [key: string]: unknown };

export const isRecord = (value: unknown): value is JsonRecord => value !== null && typeof value === 'object' && !Array.isArray(value);

export type StepKind = 'http' | 'think' | 'if' | 'group';

/** Where each kind holds its child flows (libs/protocol's CHILD_FLOWS), `then` before `else`. */
const CHILD_LISTS: Record<StepKind, readonly string[]> = { http: [], think: [], if: ['then', 'else'], group: ['steps'] };

/**
 * A step's kind as the master reads it: `kind` when given, else inferred from the keys only one kind has
 * (libs/protocol steps.ts `withKind`), since the docs' examples leave `kind: http` out. `null`: not a step.
 */
export function stepKindOf(step: unknown): StepKind | null {
  if (!isRecord(step)) return null;
  if ('kind' in step) return typeof step.kind === 'string' && Object.hasOwn(CHILD_LISTS, step.kind) ? (step.kind as StepKind) : null;
  const has = (key: string) => key in step;
  if (has('method') || has('url') || has('path')) return 'http';
  if (has('condition') || has('then') || has('else')) return 'if';
  if (has('steps') || has('repeat')) return 'group';
  if (has('ms') || has('minMs') || has('maxMs')) return 'think';
  return null;
}

/** The fields of this step that hold child flows and are lists (a non-list there is left to validation, as a plain field). */
export function childListFields(step: unknown): string[] {
  const kind = stepKindOf(step);
  if (kind === null || !isRecord(step)) return [];
  return CHILD_LISTS[kind].filter((field) => Array.isArray(step[field]));
}

/** The fields a step of this kind may hold child flows in, whether or not it has them yet. */
export const childListsOfKind = (kind: StepKind): readonly string[] => CHILD_LISTS[kind];

/** The value at `path`, or undefined. */
export function getAt(root: unknown, path: PlanPath): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isRecord(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * `root` with `value` at `path`, every object on the way copied with its key order kept (a new key goes last).
 * `undefined` removes an object's key. Throws when the path runs through something that is neither list nor object.
 */
export function setAt<T>(root: T, path: PlanPath, value: unknown): T {
  if (path.length === 0) return value as T;
  const [key, ...rest] = path;
  if (Array.isArray(root) && typeof key === 'number') {
    const copy = [...(root as unknown[])];
    copy[key] = setAt(copy[key], rest, value);
    return copy as T;
  }
  if (isRecord(root) && typeof key === 'string') {
    const next = setAt(root[key], rest, value);
    if (next === undefined) {
      const { [key]: _removed, ...kept } = root;
      return kept as T;
    }
    return (key in root ? Object.fromEntries(Object.entries(root).map(([k, v]) => [k, k === key ? next : v])) : { ...root, [key]: next }) as T;
  }
  if (root === undefined && rest.length === 0 && typeof key === 'string') return { [key]: value } as T;
  throw new Error(`no such place in the plan: ${path.join('.')}`);
}

/** The list holding the step at `path` and its index there: `['steps', 2, 'then', 0]` → `['steps', 2, 'then']`, 0. */
export function splitStepPath(path: PlanPath): { listPath: PlanPath; index: number } {
  const index = path.at(-1);
  if (typeof index !== 'number') throw new Error(`not a step path: ${path.join('.')}`);
  return { listPath: path.slice(0, -1), index };
}

/** Every step of the draft, depth first, with its path: whatever is an element of a flow list, valid or not. */
export function* draftSteps(plan: PlanDraft): Generator<{ step: unknown; path: PlanPath }> {
  function* walk(list: unknown, listPath: PlanPath): Generator<{ step: unknown; path: PlanPath }> {
    if (!Array.isArray(list)) return;
    for (const [i, step] of list.entries()) {
      const path = [...listPath, i];
      yield { step, path };
      for (const field of childListFields(step)) yield* walk((step as JsonRecord)[field], [...path, field]);
    }
  }
  yield* walk(plan.steps, ['steps']);
}

/** `object` with `key` set to `value` in its place (a new key last), or removed when `value` is undefined. */
export function withField(object: JsonRecord, key: string, value: unknown): JsonRecord {
  return setAt(object, [key], value);
}
