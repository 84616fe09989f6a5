import { isUnder, type PlanPath } from '../editor-issue.js';
import { newStep } from './new-step.js';
import { getAt, setAt, splitStepPath, type PlanDraft, type StepKind } from './plan-draft.js';

/** How many edits undo can go back. */
export const HISTORY_LIMIT = 200;

/** The editor's one plan draft, what undo and redo restore, and the selected step (a path into the draft). */
export interface EditorState {
  plan: PlanDraft;
  past: PlanDraft[];
  future: PlanDraft[];
  selected: PlanPath | null;
}

/** The top-level fields the side panels edit. */
export type TopLevelField = 'name' | 'baseUrl' | 'variables' | 'headers' | 'feeders';

/**
 * Every edit of the plan, from the graph, the forms, the panels and the YAML view. Step paths are like
 * `['steps', 2, 'then', 0]`; list paths (`parentPath`) name the list: `['steps']`, `['steps', 2, 'then']`.
 */
export type EditorAction =
  | { type: 'addStep'; parentPath: PlanPath; index: number; kind: StepKind }
  | { type: 'deleteStep'; path: PlanPath }
  /** `toParentPath` and `toIndex` name the place in the plan as it is before the move (`toIndex` 3 in the same list: after the step now at 2). */
  | { type: 'moveStep'; path: PlanPath; toParentPath: PlanPath; toIndex: number }
  | { type: 'updateStep'; path: PlanPath; step: unknown }
  | { type: 'setPlan'; plan: PlanDraft }
  | { type: 'updateTopLevel'; field: TopLevelField; value: unknown }
  | { type: 'select'; path: PlanPath | null }
  | { type: 'undo' }
  | { type: 'redo' };

export function initialEditorState(plan: PlanDraft): EditorState {
  return { plan, past: [], future: [], selected: null };
}

const listAt = (plan: PlanDraft, listPath: PlanPath): unknown[] | null => {
  const list = getAt(plan, listPath);
  return Array.isArray(list) ? list : null;
};

/** A new plan after an edit: the old one goes on the undo stack (at most HISTORY_LIMIT), redo is forgotten. */
function commit(state: EditorState, plan: PlanDraft, selected: PlanPath | null): EditorState {
  if (plan === state.plan) return selected === state.selected ? state : { ...state, selected };
  return { plan, past: [...state.past, state.plan].slice(-HISTORY_LIMIT), future: [], selected };
}

/** The selection, or none when it no longer names a step (after undo, a YAML edit). */
function stillThere(plan: PlanDraft, path: PlanPath | null): PlanPath | null {
  return path !== null && getAt(plan, path) !== undefined ? path : null;
}

function insert(plan: PlanDraft, listPath: PlanPath, index: number, step: unknown): PlanDraft {
  const list = listAt(plan, listPath) ?? [];
  const at = Math.max(0, Math.min(index, list.length));
  return setAt(plan, listPath, [...list.slice(0, at), step, ...list.slice(at)]);
}

function remove(plan: PlanDraft, path: PlanPath): PlanDraft {
  const { listPath, index } = splitStepPath(path);
  const list = listAt(plan, listPath);
  if (list === null || index >= list.length) return plan;
  return setAt(
    plan,
    listPath,
    list.filter((_, i) => i !== index),
  );
}

/** Where the step at `path` is once a step was put into `listPath` at `index` (it moves down one when after it in that list). */
function afterInsert(path: PlanPath, listPath: PlanPath, index: number): PlanPath {
  const at = path[listPath.length];
  if (!isUnder(path, listPath) || path.length <= listPath.length || typeof at !== 'number' || at < index) return path;
  return [...listPath, at + 1, ...path.slice(listPath.length + 1)];
}

/** Where the step at `path` is once the step at `removed` was taken out (after it in the same list: up one). */
function afterRemove(path: PlanPath, removed: PlanPath): PlanPath {
  const { listPath, index } = splitStepPath(removed);
  const at = path[listPath.length];
  if (!isUnder(path, listPath) || typeof at !== 'number' || at <= index) return path;
  return [...listPath, at - 1, ...path.slice(listPath.length + 1)];
}

function move(state: EditorState, path: PlanPath, toParentPath: PlanPath, toIndex: number): EditorState {
  const step = getAt(state.plan, path);
  // A missing list (an `if` with no `else` yet) is started by the move.
  const target =
    listAt(state.plan, toParentPath) ??
    (getAt(state.plan, toParentPath) === undefined && getAt(state.plan, toParentPath.slice(0, -1)) !== undefined ? [] : null);
  // A step cannot go into itself or its own branches; a move that would leave it where it is changes nothing.
  if (step === undefined || target === null || isUnder(toParentPath, path)) return state;
  const { listPath, index } = splitStepPath(path);
  const sameList = listPath.length === toParentPath.length && isUnder(listPath, toParentPath);
  if (sameList && (toIndex === index || toIndex === index + 1)) return state;
  // Put the step at its new place first (in the old coordinates), then take the original out where it now is.
  const at = Math.max(0, Math.min(toIndex, target.length));
  const inserted = insert(state.plan, toParentPath, at, step);
  const source = afterInsert(path, toParentPath, at);
  const plan = remove(inserted, source);
  return commit(state, plan, afterRemove([...toParentPath, at], source));
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'addStep': {
      const list = listAt(state.plan, action.parentPath);
      // A step may be added to a flow list, or start one that is missing (an `if` with no `else` yet).
      if (list === null && getAt(state.plan, action.parentPath) !== undefined) return state;
      const index = Math.max(0, Math.min(action.index, list?.length ?? 0));
      return commit(state, insert(state.plan, action.parentPath, index, newStep(action.kind, state.plan)), [...action.parentPath, index]);
    }
    case 'deleteStep': {
      if (getAt(state.plan, action.path) === undefined) return state;
      const selected = state.selected && isUnder(state.selected, action.path) ? null : state.selected && afterRemove(state.selected, action.path);
      return commit(state, remove(state.plan, action.path), selected);
    }
    case 'moveStep':
      return move(state, action.path, action.toParentPath, action.toIndex);
    case 'updateStep':
      if (getAt(state.plan, action.path) === undefined) return state;
      return commit(state, setAt(state.plan, action.path, action.step), state.selected);
    case 'setPlan':
      return commit(state, action.plan, stillThere(action.plan, state.selected));
    case 'updateTopLevel':
      return commit(state, setAt(state.plan, [action.field], action.value), state.selected);
    case 'select':
      return { ...state, selected: action.path };
    case 'undo': {
      const previous = state.past.at(-1);
      if (previous === undefined) return state;
      return { plan: previous, past: state.past.slice(0, -1), future: [state.plan, ...state.future], selected: stillThere(previous, state.selected) };
    }
    case 'redo': {
      const next = state.future[0];
      if (next === undefined) return state;
      return { plan: next, past: [...state.past, state.plan].slice(-HISTORY_LIMIT), future: state.future.slice(1), selected: stillThere(next, state.selected) };
    }
  }
}
