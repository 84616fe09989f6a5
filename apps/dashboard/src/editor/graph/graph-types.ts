import type { Edge, Node } from '@xyflow/react';
import type { EditorIssue, PlanPath } from '../editor-issue.js';
import type { StepKind } from '../state/plan-draft.js';

/**
 * What a node carries: its step's own fields (child flows taken out: those are the nodes its edges lead to) and
 * the step's key order as written, child flow fields included, so that graphToPlan puts every key back in place.
 */
export type StepNodeData = {
  /** Where the step is in the plan, e.g. `['steps', 2, 'then', 0]`. */
  path: PlanPath;
  /** The step as written without its child flows; for an element of a flow that is not an object, the value itself. */
  own: unknown;
  /** The step's keys in order (child flow fields included); null when the step is not an object. */
  keys: string[] | null;
  /** Which keys hold child flows (lists), drawn as edges from this node's handle of that name. */
  lists: string[];
  kind: StepKind | null;
  /** The problems of this step itself (not of the steps in its branches, which show their own). */
  issues: EditorIssue[];
  /** For an `if`: the layout put its `then` branch right of its `else`, so its handles swap sides (drawing only). */
  thenOnRight?: boolean;
};

/** The flow's start: the plan's own fields (its `steps` list is the edge from the `steps` handle). */
export type StartNodeData = {
  own: Record<string, unknown>;
  keys: string[];
  lists: string[];
  issues: EditorIssue[];
};

export type StepNodeType = 'http' | 'think' | 'if' | 'group' | 'invalid';
export type StepNode = Node<StepNodeData, StepNodeType>;
export type StartNode = Node<StartNodeData, 'start'>;
export type PlanNode = StepNode | StartNode;

/**
 * `flow`: the order of a flow (from a node's `next` handle to the next step, or from the owner's `steps`,
 * `then` or `else` handle to the first step of that list). `join`: drawn from the end of an `if`'s branches to
 * what follows the `if`, for reading only; graphToPlan ignores it.
 */
export type PlanEdgeData = { role: 'flow' | 'join' };
export type PlanEdge = Edge<PlanEdgeData>;

export interface PlanGraph {
  nodes: PlanNode[];
  edges: PlanEdge[];
}

export const START_NODE_ID = 'plan';
export const NEXT_HANDLE = 'next';
export const isStartNode = (node: PlanNode): node is StartNode => node.type === 'start';
