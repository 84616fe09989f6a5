import { describe, expect, it } from '@jest/globals';
import { editorReducer, HISTORY_LIMIT, initialEditorState, type EditorAction, type EditorState } from '../src/editor/state/editor-reducer.js';
import { parsePlanPath } from '../src/editor/state/plan-path.js';
import type { PlanDraft } from '../src/editor/state/plan-draft.js';

const http = (name: string) => ({ kind: 'http', name, method: 'GET', url: `/${name}` });
const plan = (): PlanDraft => ({
  name: 'p',
  baseUrl: 'https://a.example',
  steps: [http('a'), { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [http('b')], else: [] }, http('c')],
});
const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
/** The names of a list's steps, what the canvas shows of its order. */
const names = (list: unknown) => (list as { name?: string; kind: string }[]).map((step) => step.name ?? step.kind);

describe('editorReducer', () => {
  it('adds a step of each kind with defaults the schema takes, an unused request name, and selects it', () => {
    let state = initialEditorState(plan());
    state = run(
      state,
      { type: 'addStep', parentPath: ['steps'], index: 1, kind: 'http' },
      { type: 'addStep', parentPath: ['steps'], index: 99, kind: 'think' },
    );
    expect(state.plan.steps).toEqual([
      http('a'),
      { kind: 'http', name: 'request 1', method: 'GET', url: '/' },
      expect.anything(),
      http('c'),
      { kind: 'think', ms: 1000 },
    ]);
    expect(state.selected).toEqual(['steps', 4]);
    state = run(state, { type: 'addStep', parentPath: ['steps', 2, 'else'], index: 0, kind: 'group' });
    expect((state.plan.steps as { else: unknown[] }[])[2]!.else).toEqual([
      { kind: 'group', name: 'loop', repeat: 2, steps: [{ kind: 'http', name: 'request 2', method: 'GET', url: '/' }] },
    ]);
    state = run(state, { type: 'addStep', parentPath: ['steps'], index: 0, kind: 'if' });
    expect((state.plan.steps as unknown[])[0]).toEqual({ kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [], else: [] });
  });

  it('deletes a step with its branches, and forgets a selection inside it', () => {
    const state = run(initialEditorState(plan()), { type: 'select', path: ['steps', 1, 'then', 0] }, { type: 'deleteStep', path: ['steps', 1] });
    expect(names(state.plan.steps)).toEqual(['a', 'c']);
    expect(state.selected).toBeNull();
  });

  it('moves a step within its list, into a branch and out of it, the moved step staying selected', () => {
    let state = run(initialEditorState(plan()), { type: 'moveStep', path: ['steps', 0], toParentPath: ['steps'], toIndex: 3 });
    expect(names(state.plan.steps)).toEqual(['if', 'c', 'a']);
    expect(state.selected).toEqual(['steps', 2]);
    state = run(state, { type: 'moveStep', path: ['steps', 2], toParentPath: ['steps', 0, 'else'], toIndex: 0 });
    expect(names(state.plan.steps)).toEqual(['if', 'c']);
    expect(names((state.plan.steps as { else: unknown }[])[0]!.else)).toEqual(['a']);
    expect(state.selected).toEqual(['steps', 0, 'else', 0]);
    // Out of a branch to before the `if` holding it: the `if` moves down one.
    state = run(state, { type: 'moveStep', path: ['steps', 0, 'then', 0], toParentPath: ['steps'], toIndex: 0 });
    expect(names(state.plan.steps)).toEqual(['b', 'if', 'c']);
    expect(names((state.plan.steps as { then: unknown }[])[1]!.then)).toEqual([]);
  });

  it('refuses to move a step into its own branch', () => {
    const state = initialEditorState(plan());
    expect(run(state, { type: 'moveStep', path: ['steps', 1], toParentPath: ['steps', 1, 'then'], toIndex: 0 })).toBe(state);
  });

  it("updates a step and the plan's top-level fields, keeping key order", () => {
    const state = run(
      initialEditorState(plan()),
      { type: 'updateStep', path: ['steps', 0], step: { ...http('a'), url: '/x' } },
      { type: 'updateTopLevel', field: 'name', value: 'renamed' },
      { type: 'updateTopLevel', field: 'variables', value: { v: 1 } },
    );
    expect(JSON.stringify(state.plan)).toBe(
      JSON.stringify({ ...plan(), name: 'renamed', steps: [{ ...http('a'), url: '/x' }, ...(plan().steps as unknown[]).slice(1)], variables: { v: 1 } }),
    );
  });

  it('undoes and redoes each edit, a new edit forgetting what could be redone', () => {
    const first = initialEditorState(plan());
    const edited = run(first, { type: 'deleteStep', path: ['steps', 0] }, { type: 'updateTopLevel', field: 'name', value: 'q' });
    const undone = run(edited, { type: 'undo' }, { type: 'undo' });
    expect(undone.plan).toEqual(first.plan);
    expect(run(undone, { type: 'undo' }).plan).toEqual(first.plan);
    const redone = run(undone, { type: 'redo' });
    expect(names(redone.plan.steps)).toEqual(['if', 'c']);
    expect(redone.plan.name).toBe('p');
    const branched = run(redone, { type: 'setPlan', plan: { name: 'from yaml' } });
    expect(branched.future).toEqual([]);
    expect(run(branched, { type: 'redo' })).toBe(branched);
  });

  it(`keeps the last ${HISTORY_LIMIT} edits`, () => {
    let state = initialEditorState(plan());
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) state = editorReducer(state, { type: 'updateTopLevel', field: 'name', value: `n${i}` });
    expect(state.past).toHaveLength(HISTORY_LIMIT);
    while (state.past.length > 0) state = editorReducer(state, { type: 'undo' });
    expect(state.plan.name).toBe('n9');
  });
});

describe('parsePlanPath', () => {
  it("reads the API's paths back into keys", () => {
    expect(parsePlanPath('steps[2].extract[0].jsonPath')).toEqual(['steps', 2, 'extract', 0, 'jsonPath']);
    expect(parsePlanPath('baseUrl')).toEqual(['baseUrl']);
    expect(parsePlanPath('')).toEqual([]);
  });

  it('names a key holding a dot as the plan has it', () => {
    const draft = { steps: [{ headers: { 'x.trace.id': '1' } }] };
    expect(parsePlanPath('steps[0].headers.x.trace.id', draft)).toEqual(['steps', 0, 'headers', 'x.trace.id']);
    expect(parsePlanPath('steps[0].headers.a.b', draft)).toEqual(['steps', 0, 'headers', 'a', 'b']);
  });
});
