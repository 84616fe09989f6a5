/** The look of the admin pages' small forms (Access, Audit): one place, so that they stay alike. */
export const fieldClass = 'rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600';
export const buttonClass = 'rounded border border-gray-300 px-3 py-1 disabled:opacity-50 dark:border-gray-600';
/** A small form's frame. */
export const formClass = 'space-y-2 rounded border border-gray-200 p-3 text-sm dark:border-gray-700';
