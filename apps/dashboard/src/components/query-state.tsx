import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

/** What a page shows while its data loads, or when the API refused: the API's own message. */
export function QueryState({ isPending, error, children }: { isPending: boolean; error: Error | null; children: () => ReactNode }) {
  if (error) {
    const message = error instanceof ApiError ? `${error.status}: ${error.message}` : error.message;
    return (
      <p role="alert" className="text-red-700 dark:text-red-300">
        {message}
      </p>
    );
  }
  if (isPending) return <p aria-busy="true">Loading…</p>;
  return <>{children()}</>;
}
