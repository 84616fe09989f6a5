import type { StepKind } from '../state/plan-draft.js';
import { STEP_KINDS } from '../state/new-step.js';

/** The drag data type a palette item carries: the kind of step to add. */
export const STEP_DRAG_TYPE = 'application/x-loadtest-step';

export const STEP_KIND_LABELS: Record<StepKind, string> = { http: 'HTTP request', think: 'Think time', if: 'If (condition)', group: 'Loop (group)' };

/**
 * The steps one can add: drag one onto the canvas (onto a step: after it; into a loop: at its end; elsewhere: at
 * the end of the flow), or focus one and press Enter (or click): after the selected step, or at the end.
 */
export function Palette({ onAdd }: { onAdd(kind: StepKind): void }) {
  return (
    <nav aria-label="Add a step" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Add a step</h2>
      {STEP_KINDS.map((kind) => (
        <button
          key={kind}
          type="button"
          draggable
          className="cursor-grab rounded border border-gray-300 px-2 py-1 text-left text-sm hover:bg-gray-100 focus:outline-2 dark:border-gray-600 dark:hover:bg-gray-800"
          onDragStart={(event) => {
            event.dataTransfer.setData(STEP_DRAG_TYPE, kind);
            event.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onAdd(kind)}
        >
          {STEP_KIND_LABELS[kind]}
        </button>
      ))}
      <p className="text-xs text-gray-600 dark:text-gray-400">Drag onto the canvas, or press Enter: it goes after the selected step, or at the end.</p>
    </nav>
  );
}
