import { Handle, Position, type NodeProps } from '@xyflow/react';
import { isRecord, type JsonRecord } from '../../state/plan-draft.js';
import { NEXT_HANDLE, type StepNode } from '../graph-types.js';
import { shown, StepNodeFrame } from './node-frame.js';

const OPS: Record<string, string> = { equals: '=', notEquals: '≠', greaterThan: '>', lessThan: '<' };

/** A condition as read: `status = 200`, `role = "admin"`. */
export function conditionText(condition: unknown): string {
  if (!isRecord(condition)) return '(no condition)';
  const subject = condition.on === 'variable' ? shown(condition.variable) : shown(condition.on);
  return `${subject} ${OPS[String(condition.op)] ?? shown(condition.op)} ${JSON.stringify(condition.value) ?? ''}`;
}

/** An `if`: its condition; its `then` (green) and `else` (red) handles lead to its branches, `next` (middle) to what follows. */
export function IfNode({ data, selected }: NodeProps<StepNode>) {
  const step = data.own as JsonRecord;
  return (
    <StepNodeFrame
      kindLabel="If"
      accent="border-amber-400"
      title={shown(step.name) || 'if'}
      detail={conditionText(step.condition)}
      issues={data.issues}
      selected={selected}
      handles={
        <>
          <Handle type="source" position={Position.Bottom} id="then" style={{ left: data.thenOnRight ? '85%' : '15%', background: '#16a34a' }} title="then" />
          <Handle type="source" position={Position.Bottom} id={NEXT_HANDLE} />
          <Handle type="source" position={Position.Bottom} id="else" style={{ left: data.thenOnRight ? '15%' : '85%', background: '#dc2626' }} title="else" />
        </>
      }
    />
  );
}
