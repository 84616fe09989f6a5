const COLOURS: Record<string, string> = {
  online: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  busy: 'bg-blue-100 text-blue-900 dark:bg-blue-900 dark:text-blue-100',
  running: 'bg-blue-100 text-blue-900 dark:bg-blue-900 dark:text-blue-100',
  pending: 'bg-gray-100 text-gray-900 dark:bg-gray-800 dark:text-gray-100',
  finished: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  passed: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  missing: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  stopped: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  interrupted: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  lost: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
};

/** A state (worker, run, share) or a verdict, as a coloured label that still reads as text. */
export function StateBadge({ state }: { state: string | null }) {
  if (!state) return <span>–</span>;
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${COLOURS[state] ?? COLOURS.pending}`}>{state}</span>;
}
