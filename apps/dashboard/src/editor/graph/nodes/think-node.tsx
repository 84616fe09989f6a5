import type { NodeProps } from '@xyflow/react';
import type { JsonRecord } from '../../state/plan-draft.js';
import type { StepNode } from '../graph-types.js';
import { shown, StepNodeFrame } from './node-frame.js';

/** Milliseconds as seconds, the way people think of pauses: 1500 → `1.5 s`. */
const seconds = (ms: unknown) => (typeof ms === 'number' ? `${ms / 1000} s` : `${shown(ms)} ms`);

/** A think time: its pause, fixed or a random range. */
export function ThinkNode({ data, selected }: NodeProps<StepNode>) {
  const step = data.own as JsonRecord;
  const pause = 'ms' in step ? seconds(step.ms) : `${seconds(step.minMs)} – ${seconds(step.maxMs)}`;
  return (
    <StepNodeFrame
      kindLabel="Think time"
      accent="border-gray-400"
      title={shown(step.name) || `pause ${pause}`}
      detail={pause}
      issues={data.issues}
      selected={selected}
    />
  );
}
