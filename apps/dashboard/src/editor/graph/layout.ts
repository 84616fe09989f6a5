import dagre from '@dagrejs/dagre';
import type { PlanGraph, PlanNode } from './graph-types.js';

/** Every step node is drawn this size (layout.ts places them, the node components fill them). */
export const STEP_NODE_SIZE = { width: 240, height: 76 };
const START_NODE_SIZE = { width: 220, height: 52 };
/** Room inside a group around its steps, and for its title above them. */
const GROUP_PADDING = 24;
const GROUP_HEADER = 56;
const EMPTY_GROUP_SIZE = { width: 260, height: 120 };

/**
 * Places every node, top to bottom: each group's steps are laid out first (deepest groups first) inside it,
 * the group is sized to hold them, then the flow around it is laid out with the group as one node of that size.
 * Child positions are relative to their group (React Flow's sub-flows).
 */
export function layoutGraph(graph: PlanGraph): PlanGraph {
  const sizes = new Map<string, { width: number; height: number }>();
  const positions = new Map<string, { x: number; y: number }>();
  const byScope = new Map<string | undefined, PlanNode[]>();
  for (const node of graph.nodes) byScope.set(node.parentId, [...(byScope.get(node.parentId) ?? []), node]);
  const depth = (node: PlanNode): number => (node.parentId === undefined ? 0 : 1 + depth(graph.nodes.find((n) => n.id === node.parentId)!));
  const groups = graph.nodes.filter((node) => node.type === 'group').sort((a, b) => depth(b) - depth(a));

  const layoutScope = (scopeNodes: PlanNode[]): { width: number; height: number } => {
    const ids = new Set(scopeNodes.map((node) => node.id));
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 44, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const node of scopeNodes) g.setNode(node.id, { ...(sizes.get(node.id) ?? (node.type === 'start' ? START_NODE_SIZE : STEP_NODE_SIZE)) });
    for (const edge of graph.edges) if (ids.has(edge.source) && ids.has(edge.target)) g.setEdge(edge.source, edge.target);
    dagre.layout(g);
    let width = 0;
    let height = 0;
    for (const node of scopeNodes) {
      const { x, y, width: w, height: h } = g.node(node.id);
      // dagre gives centres; React Flow wants top-left corners.
      positions.set(node.id, { x: x - w / 2, y: y - h / 2 });
      width = Math.max(width, x + w / 2);
      height = Math.max(height, y + h / 2);
    }
    return { width, height };
  };

  for (const group of groups) {
    const children = byScope.get(group.id) ?? [];
    if (children.length === 0) {
      sizes.set(group.id, EMPTY_GROUP_SIZE);
      continue;
    }
    const inner = layoutScope(children);
    for (const child of children) {
      const at = positions.get(child.id)!;
      positions.set(child.id, { x: at.x + GROUP_PADDING, y: at.y + GROUP_HEADER });
    }
    sizes.set(group.id, { width: Math.max(inner.width + 2 * GROUP_PADDING, EMPTY_GROUP_SIZE.width), height: inner.height + GROUP_HEADER + GROUP_PADDING });
  }
  layoutScope(byScope.get(undefined) ?? []);

  // dagre orders a rank as it sees fit: an `if`'s handles follow where its branches were put, so edges do not cross.
  const firstOf = (node: PlanNode, handle: string) => graph.edges.find((edge) => edge.source === node.id && edge.sourceHandle === handle)?.target;
  const thenOnRight = (node: PlanNode) => {
    const [then, otherwise] = [firstOf(node, 'then'), firstOf(node, 'else')];
    return then !== undefined && otherwise !== undefined && positions.get(then)!.x > positions.get(otherwise)!.x;
  };
  const nodes = graph.nodes.map((node) => {
    const size = sizes.get(node.id) ?? (node.type === 'start' ? START_NODE_SIZE : STEP_NODE_SIZE);
    return {
      ...node,
      ...(node.type === 'if' && thenOnRight(node) ? { data: { ...node.data, thenOnRight: true } } : {}),
      position: positions.get(node.id) ?? node.position,
      width: size.width,
      height: size.height,
      // React Flow's own look of a `group` node (border, padding, background) is replaced by GroupNode's.
      ...(node.type === 'group'
        ? { style: { width: size.width, height: size.height, padding: 0, border: 'none', background: 'transparent', borderRadius: 0 } }
        : {}),
    } as PlanNode;
  });
  return { nodes, edges: graph.edges };
}
