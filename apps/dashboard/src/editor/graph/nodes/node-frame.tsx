import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import type { EditorIssue } from '../../editor-issue.js';
import { NEXT_HANDLE } from '../graph-types.js';

/** How many problems a step has, on its node: red for errors, amber when only warnings; the messages as its title. */
export function IssueBadge({ issues }: { issues: readonly EditorIssue[] }) {
  if (issues.length === 0) return null;
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const label = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : `${issues.length} warning${issues.length === 1 ? '' : 's'}`;
  return (
    <span
      role="img"
      aria-label={label}
      title={issues.map((issue) => issue.message).join('\n')}
      data-testid="issue-badge"
      className={`absolute -top-2 -right-2 rounded-full px-1.5 text-xs font-bold text-white ${errors > 0 ? 'bg-red-600' : 'bg-amber-500'}`}
    >
      {errors > 0 ? errors : issues.length}
    </span>
  );
}

/**
 * The box of a step node: what the step is and does, its problems, a handle on top (what comes before it) and
 * its `next` handle below (connecting it to a step moves that step right after this one).
 */
export function StepNodeFrame(props: {
  kindLabel: string;
  title: ReactNode;
  detail?: ReactNode;
  issues: readonly EditorIssue[];
  selected: boolean;
  accent: string;
  handles?: ReactNode;
}) {
  return (
    <div
      className={`relative h-full w-full rounded-md border-2 bg-white px-2 py-1 text-left text-xs shadow-sm dark:bg-gray-900 ${props.accent} ${props.selected ? 'ring-2 ring-blue-500' : ''}`}
      aria-label={`${props.kindLabel}: ${typeof props.title === 'string' ? props.title : ''}`}
    >
      <Handle type="target" position={Position.Top} />
      <div className="text-[10px] tracking-wide text-gray-500 uppercase">{props.kindLabel}</div>
      <div className="truncate font-semibold">{props.title}</div>
      {props.detail !== undefined && <div className="truncate font-mono text-gray-600 dark:text-gray-300">{props.detail}</div>}
      <IssueBadge issues={props.issues} />
      {props.handles ?? <Handle type="source" position={Position.Bottom} id={NEXT_HANDLE} />}
    </div>
  );
}

/** A field of a step as text, whatever the draft holds there. */
export const shown = (value: unknown): string => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
