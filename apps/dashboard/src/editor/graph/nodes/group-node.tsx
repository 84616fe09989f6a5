import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { JsonRecord } from '../../state/plan-draft.js';
import { NEXT_HANDLE, type StepNode } from '../graph-types.js';
import { IssueBadge, shown } from './node-frame.js';

/** A group (a bounded loop): a container holding its steps, titled with how many times they repeat. */
export function GroupNode({ data, selected }: NodeProps<StepNode>) {
  const step = data.own as JsonRecord;
  const repeat = step.repeat === undefined ? 1 : step.repeat;
  return (
    <div
      className={`relative h-full w-full rounded-lg border-2 border-dashed border-violet-400 bg-violet-50/60 text-xs dark:bg-violet-950/30 ${selected ? 'ring-2 ring-blue-500' : ''}`}
      aria-label={`Loop: ${shown(step.name) || 'group'}, repeat ${shown(repeat)}`}
    >
      <Handle type="target" position={Position.Top} />
      <div className="px-2 py-1">
        <div className="text-[10px] tracking-wide text-gray-500 uppercase">Loop</div>
        <div className="font-semibold">
          {shown(step.name) || 'group'} · repeat ×{shown(repeat)}
        </div>
      </div>
      {/* The group's first step hangs from this handle, inside the container. */}
      <Handle type="source" position={Position.Top} id="steps" style={{ top: 44, left: 16 }} title="steps" />
      <IssueBadge issues={data.issues} />
      <Handle type="source" position={Position.Bottom} id={NEXT_HANDLE} />
    </div>
  );
}
