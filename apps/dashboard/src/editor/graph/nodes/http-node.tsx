import type { NodeProps } from '@xyflow/react';
import type { JsonRecord } from '../../state/plan-draft.js';
import type { StepNode } from '../graph-types.js';
import { shown, StepNodeFrame } from './node-frame.js';

/** An HTTP request: its name, method and URL template. */
export function HttpNode({ data, selected }: NodeProps<StepNode>) {
  const step = data.own as JsonRecord;
  return (
    <StepNodeFrame
      kindLabel="HTTP request"
      accent="border-blue-400"
      title={shown(step.name) || '(no name)'}
      detail={`${shown(step.method)} ${shown(step.url ?? step.path)}`}
      issues={data.issues}
      selected={selected}
    />
  );
}
