import { apiRequest } from '../../api/client.js';

/** What the author brings to import: a HAR recording, curl command lines, or a plan saved by the old tool. */
export type ImportSource =
  | { kind: 'har'; /** The .har file's text (JSON). */ text: string; thinkTime?: boolean }
  | { kind: 'curl'; commands: string }
  | { kind: 'legacy'; /** The saved `{ testPlan, reactFlow }` document's text (JSON). */ text: string };

/** A request to one of the master's import endpoints (apps/master/src/imports/routes.ts). */
export interface ImportRequest {
  /** Under /api/v1. */
  path: string;
  init: RequestInit;
}

/**
 * The request that converts a source into a plan, not stored (the answer is
 * `{ plan }`): the editor opens it as a draft, saved like any other. File
 * contents are sent as they are (a HAR may be large: the master reads it once).
 */
export function importRequest(source: ImportSource, name?: string): ImportRequest {
  const query = new URLSearchParams();
  if (name?.trim()) query.set('name', name.trim());
  if (source.kind === 'har' && source.thinkTime) query.set('thinkTime', 'true');
  const search = query.size > 0 ? `?${query}` : '';
  const json = { 'content-type': 'application/json' };
  switch (source.kind) {
    case 'har':
      return { path: `/imports/har${search}`, init: { method: 'POST', headers: json, body: source.text } };
    case 'curl':
      return { path: `/imports/curl${search}`, init: { method: 'POST', headers: json, body: JSON.stringify({ commands: source.commands }) } };
    case 'legacy':
      return { path: `/imports/legacy${search}`, init: { method: 'POST', headers: json, body: source.text } };
  }
}

/** Converts a source on the master: the plan it answers. Throws `ApiError` (a 400 names each problem and where). */
export async function importPlan(source: ImportSource, name?: string, send: typeof apiRequest = apiRequest): Promise<unknown> {
  const { path, init } = importRequest(source, name);
  const answer = await send<{ plan: unknown }>(path, init);
  return answer.plan;
}
