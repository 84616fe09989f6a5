import type { NodeProps } from '@xyflow/react';
import type { StepNode } from '../graph-types.js';
import { shown, StepNodeFrame } from './node-frame.js';

/** An element of a flow that is not a step of a known kind (a draft being edited): shown as written. */
export function InvalidNode({ data, selected }: NodeProps<StepNode>) {
  return (
    <StepNodeFrame kindLabel="Not a step" accent="border-red-500" title="unknown kind" detail={shown(data.own)} issues={data.issues} selected={selected} />
  );
}
