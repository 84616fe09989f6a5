import type { AuditEvent } from '@loadtest/protocol';
import { useState } from 'react';
import { useAuditLog, type AuditFilter } from '../api/audit.js';
import { QueryState } from '../components/query-state.js';
import { formatTime } from '../format/figures.js';
import { AuditFilters } from './audit-filters.js';
import { summariseDetails } from './details-summary.js';

/** `/audit` (admin): who did what, when, from where; newest first, filtered, a page at a time. */
export function AuditPage() {
  const [filter, setFilter] = useState<AuditFilter>({});
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title" className="mb-4 text-xl font-semibold">
        Audit log
      </h1>
      <AuditFilters onApply={setFilter} />
      <AuditTable filter={filter} />
    </section>
  );
}

const subjectOf = (event: AuditEvent) => (event.subjectType ? `${event.subjectType}${event.subjectId ? ` ${event.subjectId.slice(0, 8)}` : ''}` : '–');

function AuditTable({ filter }: { filter: AuditFilter }) {
  const log = useAuditLog(filter);
  return (
    <QueryState isPending={log.isPending} error={log.error}>
      {() => {
        const items = log.data!.pages.flatMap((page) => page.items);
        if (items.length === 0) return <p>No event matches.</p>;
        return (
          <>
            <table className="w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3" data-testid="audit-table">
              <thead>
                <tr className="border-b border-gray-300 dark:border-gray-700">
                  <th className="py-1">Time</th>
                  <th>Actor</th>
                  <th>Via</th>
                  <th>Action</th>
                  <th>Subject</th>
                  <th>IP</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <tr key={event.id} data-event={event.id} data-action={event.action} className="border-b border-gray-100 align-top dark:border-gray-800">
                    <td className="py-1 whitespace-nowrap" title={event.at}>
                      {formatTime(event.at)}
                    </td>
                    <td data-field="actor">{event.actor ?? '–'}</td>
                    <td className="whitespace-nowrap">{event.via ?? '–'}</td>
                    <td data-field="action" className={`whitespace-nowrap ${event.action === 'login.failed' ? 'text-red-700 dark:text-red-300' : ''}`}>
                      {event.action}
                    </td>
                    <td className="font-mono whitespace-nowrap" title={event.subjectId ?? undefined}>
                      {subjectOf(event)}
                    </td>
                    <td className="font-mono whitespace-nowrap">{event.ip ?? '–'}</td>
                    <td className="text-gray-700 dark:text-gray-300" title={JSON.stringify(event.details)}>
                      {summariseDetails(event.details) || '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {log.hasNextPage && (
              <button
                type="button"
                className="mt-2 rounded border border-gray-300 px-3 py-1 text-sm dark:border-gray-600"
                disabled={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        );
      }}
    </QueryState>
  );
}
