import type { ErrorBody } from '@loadtest/protocol';

/** An answer of the API that was not 2xx: its status and the API's error body (with `issues` for a 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    readonly path: string,
  ) {
    super(body?.message ?? `${path} answered ${status}`);
    this.name = 'ApiError';
  }
}

/** The API's base path: the dashboard is served by the master, on the same origin. */
export const API_BASE = '/api/v1';

export async function apiRequest<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(`${API_BASE}${path}`, { ...init, headers });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, isErrorBody(parsed) ? parsed : null, path);
  return parsed as T;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'message' in value;
}
