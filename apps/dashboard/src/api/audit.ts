import type { AuditAction, AuditPage } from '@loadtest/protocol';
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from './client.js';
import { keys, queryString } from './queries.js';

/** Which events the audit page asks for; empty: all. `since` and `until` are ISO 8601 instants. */
export interface AuditFilter {
  action?: AuditAction | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** `GET /audit`, newest first, a page at a time (`nextCursor`). */
export const useAuditLog = (filter: AuditFilter, pageSize = 50) =>
  useInfiniteQuery({
    queryKey: [...keys.audit, filter.action, filter.actor, filter.since, filter.until, pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      apiRequest<AuditPage>(
        `/audit${queryString({ action: filter.action, actor: filter.actor, since: filter.since, until: filter.until, limit: pageSize, cursor: pageParam })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
