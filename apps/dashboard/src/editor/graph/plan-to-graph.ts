import { formatPlanPath, isUnder, type EditorIssue, type PlanPath } from '../editor-issue.js';
import { childListFields, isRecord, stepKindOf, type PlanDraft } from '../state/plan-draft.js';
import { NEXT_HANDLE, START_NODE_ID, type PlanEdge, type PlanGraph, type PlanNode, type StepNodeType } from './graph-types.js';
import { layoutGraph } from './layout.js';

/** A node's id: the path of its step, as the API writes it (`steps[2].then[0]`). */
export const stepNodeId = (path: PlanPath): string => formatPlanPath(path);

const flowEdge = (source: string, sourceHandle: string, target: string): PlanEdge => ({
  id: `${source}:${sourceHandle}->${target}`,
  source,
  sourceHandle,
  target,
  data: { role: 'flow' },
  // Only an `if`'s two branches need telling apart.
  ...(sourceHandle === 'then' || sourceHandle === 'else' ? { label: sourceHandle } : {}),
});

/** The issues under `path` that are not under one of `childPaths` (those are the child steps' own). */
const ownIssues = (issues: readonly EditorIssue[], path: PlanPath, childPaths: readonly PlanPath[]) =>
  issues.filter((issue) => isUnder(issue.path, path) && !childPaths.some((child) => isUnder(issue.path, child)));

/**
 * The graph of a plan draft: a start node holding the plan's own fields, one node per step (by kind), edges
 * for the order of each flow, `if` branches as edges from its `then` and `else` handles, and a group as a
 * container whose steps are its child nodes; laid out with dagre (see layout.ts).
 */
export function planToGraph(plan: PlanDraft, issues: readonly EditorIssue[] = []): PlanGraph {
  const nodes: PlanNode[] = [];
  const edges: PlanEdge[] = [];
  const rootLists = Array.isArray(plan.steps) ? ['steps'] : [];
  const { steps: _steps, ...rootOwn } = plan;
  nodes.push({
    id: START_NODE_ID,
    type: 'start',
    position: { x: 0, y: 0 },
    data: {
      own: rootLists.length > 0 ? rootOwn : plan,
      keys: Object.keys(plan),
      lists: rootLists,
      issues: issues.filter((issue) => issue.path[0] !== 'steps' || issue.path.length < 2),
    },
    deletable: false,
  });

  /**
   * Adds the nodes of a flow list and its edges; answers the ids its flow ends at (the last step, or the ends of
   * the last `if`'s branches), which join edges lead on from.
   */
  const addList = (list: unknown[], listPath: PlanPath, ownerId: string, handle: string, containerId: string | undefined): string[] => {
    let previous: { id: string; ends: string[] } | null = null;
    for (const [i, step] of list.entries()) {
      const path = [...listPath, i];
      const id = stepNodeId(path);
      const kind = stepKindOf(step);
      const lists = childListFields(step);
      const own = isRecord(step) ? Object.fromEntries(Object.entries(step).filter(([key]) => !lists.includes(key))) : step;
      const type: StepNodeType = kind ?? 'invalid';
      nodes.push({
        id,
        type,
        position: { x: 0, y: 0 },
        ...(containerId !== undefined ? { parentId: containerId, extent: 'parent' as const } : {}),
        data: {
          path,
          own,
          keys: isRecord(step) ? Object.keys(step) : null,
          lists,
          kind,
          issues: ownIssues(
            issues,
            path,
            lists.flatMap((field) => ((step as Record<string, unknown[]>)[field] ?? []).map((_, j) => [...path, field, j])),
          ),
        },
      });
      if (previous === null) edges.push(flowEdge(ownerId, handle, id));
      else {
        edges.push(flowEdge(previous.id, NEXT_HANDLE, id));
        for (const end of previous.ends) edges.push({ id: `${end}:join->${id}`, source: end, sourceHandle: NEXT_HANDLE, target: id, data: { role: 'join' } });
      }
      let ends: string[] = [];
      for (const field of lists) {
        const children = (step as Record<string, unknown[]>)[field]!;
        // A group's steps are drawn inside it; an `if`'s branches beside the flow, joining it again after the `if`.
        const branchEnds = addList(children, [...path, field], id, field, kind === 'group' ? id : containerId);
        if (kind === 'if') ends = [...ends, ...branchEnds];
      }
      previous = { id, ends };
    }
    return previous === null ? [] : previous.ends.length > 0 ? previous.ends : [previous.id];
  };

  if (Array.isArray(plan.steps)) addList(plan.steps, ['steps'], START_NODE_ID, 'steps', undefined);
  return layoutGraph({ nodes, edges });
}
