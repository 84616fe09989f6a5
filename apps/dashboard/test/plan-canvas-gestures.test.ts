import { describe, expect, it } from '@jest/globals';
import { addTarget, connectTarget } from '../src/editor/graph/plan-canvas.js';
import { planToGraph } from '../src/editor/graph/plan-to-graph.js';
import { editorReducer, initialEditorState } from '../src/editor/state/editor-reducer.js';
import type { PlanDraft } from '../src/editor/state/plan-draft.js';

const http = (name: string) => ({ kind: 'http', name, method: 'GET', url: '/' });
const plan: PlanDraft = {
  name: 'p',
  steps: [http('a'), { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [http('b')] }, http('c')],
};
const node = (id: string) => planToGraph(plan).nodes.find((n) => n.id === id)!;
const names = (list: unknown) => (list as { name?: string; kind: string }[]).map((step) => step.name ?? step.kind);

describe('the canvas gestures, as plan edits', () => {
  it("connecting A's next handle to B moves B right after A", () => {
    const target = connectTarget(node('steps[0]'), 'next');
    expect(target).toEqual({ parentPath: ['steps'], index: 1 });
    const moved = editorReducer(initialEditorState(plan), { type: 'moveStep', path: ['steps', 2], toParentPath: target.parentPath, toIndex: target.index });
    expect(names(moved.plan.steps)).toEqual(['a', 'c', 'if']);
  });

  it("connecting from an if's else handle starts its else branch with the step, even when it had none", () => {
    const target = connectTarget(node('steps[1]'), 'else');
    expect(target).toEqual({ parentPath: ['steps', 1, 'else'], index: 0 });
    const moved = editorReducer(initialEditorState(plan), { type: 'moveStep', path: ['steps', 0], toParentPath: target.parentPath, toIndex: target.index });
    expect(names(moved.plan.steps)).toEqual(['if', 'c']);
    expect(names((moved.plan.steps as { else: unknown }[])[0]!.else)).toEqual(['a']);
  });

  it('connecting from the start puts the step first', () => {
    expect(connectTarget(node('plan'), 'steps')).toEqual({ parentPath: ['steps'], index: 0 });
  });

  it('the palette adds after the selected step, or at the end of the flow', () => {
    expect(addTarget(plan, ['steps', 1, 'then', 0])).toEqual({ parentPath: ['steps', 1, 'then'], index: 1 });
    expect(addTarget(plan, null)).toEqual({ parentPath: ['steps'], index: 3 });
  });
});
