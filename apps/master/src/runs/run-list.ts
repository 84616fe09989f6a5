import type { RunList, RunListQuery, ThresholdOutcome } from '@loadtest/protocol';
import { badRequest } from '../http/errors.js';
import type { RunListCursor, RunRepository } from './run-repository.js';
import { runResource, type StoredWindowsMerge } from './run-resource.js';

/** The cursor is opaque to clients: the last run of a page, `<createdAt ms>.<id>` in base64url. */
export function encodeCursor(cursor: RunListCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`).toString('base64url');
}

// The id must be a UUID: the database is asked for it (a malformed one would be a database error, not a 400).
const CURSOR = /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function decodeCursor(text: string): RunListCursor | null {
  const match = CURSOR.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : null;
}

/** What the run list routes say about paging and filters. */
export const RUN_LIST_DESCRIPTION =
  "Newest first (by creation time, then id). Paged by cursor: `limit` runs a page (1 to 100, 20 by default); the answer's `nextCursor`, passed as `cursor`, reads the next page, null on the last. " +
  'Filters: `state` (one or a comma-separated list), `verdict` (passed | failed), `since` (created at or after) and `until` (created before), ISO 8601. ' +
  "Each page costs the same three database queries whatever its size; a live run's summary is its running totals. A bad parameter is a 400 naming it.";

export interface RunListDeps {
  runs: RunRepository;
  windows: StoredWindowsMerge;
  liveOutcomes(runId: string): ThresholdOutcome[] | undefined;
}

/**
 * A page of runs, newest first. Three SQL queries whatever its size (runs, workers, window counts); a live run's
 * summary comes from the master's running totals, not from its stored windows.
 */
export async function listRuns(query: RunListQuery, deps: RunListDeps): Promise<RunList> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after === null)
    throw badRequest('invalid querystring: cursor: not a cursor this API gave (pass nextCursor as it is)', [
      { path: 'cursor', message: 'not a cursor this API gave' },
    ]);
  const { runs, more } = await deps.runs.page(
    {
      ...(query.planId !== undefined ? { planId: query.planId } : {}),
      ...(query.state !== undefined ? { states: query.state } : {}),
      ...(query.verdict !== undefined ? { verdict: query.verdict } : {}),
      ...(query.since !== undefined ? { since: new Date(query.since) } : {}),
      ...(query.until !== undefined ? { until: new Date(query.until) } : {}),
    },
    query.limit,
    after,
  );
  const items = await Promise.all(runs.map((run) => runResource(run, deps.windows, deps.liveOutcomes(run.id))));
  const last = runs.at(-1);
  return { items, nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}
