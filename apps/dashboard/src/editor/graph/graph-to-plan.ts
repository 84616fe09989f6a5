import type { JsonRecord, PlanDraft } from '../state/plan-draft.js';
import { isStartNode, NEXT_HANDLE, START_NODE_ID, type PlanGraph, type PlanNode } from './graph-types.js';

/**
 * The plan a graph draws: the start node's fields, and each flow list rebuilt by following the edges from its
 * owner's handle of that name, then each step's `next` edge (join edges are for reading only). Each step's keys go
 * back in the order it was written. The inverse of planToGraph: planToGraph then graphToPlan gives the same plan.
 */
export function graphToPlan(graph: PlanGraph): PlanDraft {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const flowEdges = new Map<string, string>();
  for (const edge of graph.edges) if (edge.data?.role !== 'join') flowEdges.set(`${edge.source}|${edge.sourceHandle ?? NEXT_HANDLE}`, edge.target);
  const seen = new Set<string>();

  const list = (ownerId: string, handle: string): unknown[] => {
    const steps: unknown[] = [];
    let id = flowEdges.get(`${ownerId}|${handle}`);
    // `seen` stops at a cycle, which an edited graph could hold: each node is one step, once.
    while (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const node = byId.get(id);
      if (node === undefined) break;
      steps.push(rebuild(node));
      id = flowEdges.get(`${id}|${NEXT_HANDLE}`);
    }
    return steps;
  };

  const rebuild = (node: PlanNode): unknown => {
    const { own, keys, lists } = node.data;
    if (keys === null) return own;
    const fields = own as JsonRecord;
    return Object.fromEntries(keys.map((key) => [key, lists.includes(key) ? list(node.id, key) : fields[key]]));
  };

  const start = byId.get(START_NODE_ID);
  if (start === undefined || !isStartNode(start)) throw new Error('a plan graph has a start node');
  return rebuild(start) as PlanDraft;
}
