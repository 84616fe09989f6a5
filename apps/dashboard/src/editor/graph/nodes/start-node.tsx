import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { StartNode as StartNodeType } from '../graph-types.js';
import { IssueBadge, shown } from './node-frame.js';

/** Where each iteration starts: the plan's name and base URL; its handle leads to the first step. */
export function StartNode({ data }: NodeProps<StartNodeType>) {
  return (
    <div className="relative h-full w-full rounded-full border-2 border-green-500 bg-green-50 px-3 py-1 text-center text-xs dark:bg-green-950/40">
      <div className="truncate font-semibold">{shown(data.own.name) || '(no name)'}</div>
      <div className="truncate font-mono text-gray-600 dark:text-gray-300">{shown(data.own.baseUrl)}</div>
      <IssueBadge issues={data.issues} />
      <Handle type="source" position={Position.Bottom} id="steps" />
    </div>
  );
}
