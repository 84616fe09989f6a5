import { applyNodeChanges, Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { EditorIssue, PlanPath } from '../editor-issue.js';
import type { EditorAction } from '../state/editor-reducer.js';
import { getAt, splitStepPath, type PlanDraft, type StepKind } from '../state/plan-draft.js';
import { isStartNode, START_NODE_ID, type PlanGraph, type PlanNode } from './graph-types.js';
import { planNodeTypes } from './nodes/node-types.js';
import { STEP_DRAG_TYPE } from './palette.js';
import { planToGraph, stepNodeId } from './plan-to-graph.js';

export interface PlanCanvasProps {
  plan: PlanDraft;
  issues: readonly EditorIssue[];
  selected: PlanPath | null;
  dispatch(action: EditorAction): void;
}

const stepPathOf = (node: PlanNode | undefined): PlanPath | null => (node === undefined || isStartNode(node) ? null : node.data.path);

/**
 * Where a step joins a flow when it is connected from `handle` of the node `from`: `next` → right after that
 * step; `then`, `else`, a loop's `steps`, the start's `steps` → first in that list.
 */
export function connectTarget(from: PlanNode, handle: string | null | undefined): { parentPath: PlanPath; index: number } {
  if (isStartNode(from)) return { parentPath: ['steps'], index: 0 };
  if (handle && handle !== 'next') return { parentPath: [...from.data.path, handle], index: 0 };
  const { listPath, index } = splitStepPath(from.data.path);
  return { parentPath: listPath, index: index + 1 };
}

/** Where an added step goes: after the selected step, or at the end of the flow. */
export function addTarget(plan: PlanDraft, selected: PlanPath | null): { parentPath: PlanPath; index: number } {
  if (selected !== null && selected.length >= 2) {
    const { listPath, index } = splitStepPath(selected);
    return { parentPath: listPath, index: index + 1 };
  }
  return { parentPath: ['steps'], index: Array.isArray(plan.steps) ? plan.steps.length : 0 };
}

/**
 * The plan drawn as a flow (see planToGraph). Every gesture is an edit of the plan:
 * - connecting node A to node B moves B (with its branches) right after A, or first in A's `then`/`else`/loop
 *   when connected from that handle: this is how steps are reordered and moved into and out of branches;
 * - Delete (or Backspace) removes the selected step; dropping a palette item adds a step (see Palette).
 * Nodes are placed by the layout, not dragged: the order of the flow is the plan's, not the picture's.
 */
export function PlanCanvas(props: PlanCanvasProps) {
  const graph = useMemo(() => planToGraph(props.plan, props.issues), [props.plan, props.issues]);
  // The provider's initial nodes draw the first frame before any effect runs (and when rendered on a server).
  return (
    <ReactFlowProvider initialNodes={graph.nodes} initialEdges={graph.edges} initialWidth={960} initialHeight={640} fitView>
      <Canvas {...props} graph={graph} />
    </ReactFlowProvider>
  );
}

function Canvas({ plan, selected, dispatch, graph }: PlanCanvasProps & { graph: PlanGraph }) {
  const selectedId = selected === null ? null : stepNodeId(selected);
  const [nodes, setNodes] = useState<PlanNode[]>(graph.nodes);
  // The graph is derived from the plan: React Flow's own changes (measured sizes) apply until the plan changes.
  useEffect(() => setNodes(graph.nodes.map((node) => ({ ...node, selected: node.id === selectedId }))), [graph, selectedId]);
  const flow = useReactFlow();
  // A step added or removed can fall outside the view: the whole flow is brought back into it, once drawn.
  const nodeCount = graph.nodes.length;
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1 }));
    return () => cancelAnimationFrame(frame);
  }, [flow, nodeCount]);
  const edges = useMemo(
    () => graph.edges.map((edge) => (edge.data?.role === 'join' ? { ...edge, style: { strokeDasharray: '4 4' }, selectable: false, focusable: false } : edge)),
    [graph],
  );
  const byId = useMemo(() => new Map(graph.nodes.map((node) => [node.id, node])), [graph]);

  const onConnect = (connection: Connection) => {
    const from = byId.get(connection.source);
    const moved = stepPathOf(byId.get(connection.target));
    if (from === undefined || moved === null) return;
    const { parentPath, index } = connectTarget(from, connection.sourceHandle);
    dispatch({ type: 'moveStep', path: moved, toParentPath: parentPath, toIndex: index });
  };

  /**
   * React Flow's own changes (measured sizes, selection) apply to the drawn nodes; a step selected by click or
   * keyboard (Enter on a focused node) becomes the editor's selection. Handled as events, never in an effect,
   * so that the editor's selection and React Flow's never chase each other.
   */
  const onNodesChange = (changes: NodeChange<PlanNode>[]) => {
    setNodes((current) => applyNodeChanges(changes, current));
    const chosen = changes.find((change) => change.type === 'select' && change.selected && change.id !== START_NODE_ID);
    if (chosen !== undefined && 'id' in chosen && chosen.id !== selectedId) dispatch({ type: 'select', path: stepPathOf(byId.get(chosen.id)) });
  };

  const onDrop = (event: DragEvent) => {
    const kind = event.dataTransfer.getData(STEP_DRAG_TYPE) as StepKind | '';
    if (!kind) return;
    event.preventDefault();
    const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    // The innermost node under the drop: a step (the new one goes after it) or a loop (at the end of its steps).
    const under = flow
      .getIntersectingNodes({ x: at.x, y: at.y, width: 1, height: 1 })
      .map((node) => byId.get(node.id))
      .filter((node): node is PlanNode => node !== undefined)
      .sort((a, b) => (isStartNode(a) ? 0 : a.data.path.length) - (isStartNode(b) ? 0 : b.data.path.length))
      .at(-1);
    let target = addTarget(plan, null);
    if (under !== undefined && isStartNode(under)) target = { parentPath: ['steps'], index: 0 };
    else if (under?.type === 'group') {
      const steps = getAt(plan, [...under.data.path, 'steps']);
      target = { parentPath: [...under.data.path, 'steps'], index: Array.isArray(steps) ? steps.length : 0 };
    } else if (under !== undefined) target = connectTarget(under, 'next');
    dispatch({ type: 'addStep', ...target, kind });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const typing = event.target instanceof HTMLElement && event.target.closest('input, textarea, select, [contenteditable="true"]') !== null;
    if ((event.key === 'Delete' || event.key === 'Backspace') && selected !== null && !typing) {
      event.preventDefault();
      dispatch({ type: 'deleteStep', path: selected });
    }
  };

  return (
    <div
      className="flex h-[70vh] min-h-96 flex-col rounded border border-gray-200 dark:border-gray-700"
      data-testid="plan-canvas"
      onKeyDown={onKeyDown}
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes(STEP_DRAG_TYPE)) {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={onDrop}
    >
      <div className="min-h-0 flex-1">
        <ReactFlow<PlanNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={planNodeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          onPaneClick={() => dispatch({ type: 'select', path: null })}
          nodesDraggable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
          minZoom={0.2}
          aria-label="Plan flow"
          aria-describedby="plan-canvas-help"
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <p className="px-2 py-1 text-xs text-gray-600 dark:text-gray-400" id="plan-canvas-help">
        Connect a step&apos;s lower handle to another step to move that step right after it (from an if&apos;s green or red handle: first in its then or else
        branch; from a loop&apos;s inner handle: first in the loop). Delete removes the selected step.
      </p>
    </div>
  );
}
