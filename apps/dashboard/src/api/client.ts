import type { ErrorBody } from '@loadtest/protocol';
import { csrfToken } from './csrf-token.js';
import { notifyUnauthorized } from './unauthorized.js';

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

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A login attempt's 401 means wrong credentials, shown on the login page; `/auth/me`'s is the answer the auth
 * provider asked for. Any other 401 means the session is gone.
 */
const SESSION_QUESTIONS = new Set(['/auth/login', '/auth/login-link', '/auth/me']);

export async function apiRequest<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  // The session cookie alone does not authorise a write: the master also wants the session's CSRF token.
  const token = csrfToken();
  if (token !== null && !READS.has((init.method ?? 'GET').toUpperCase())) headers.set('x-csrf-token', token);
  const response = await fetch(`${API_BASE}${path}`, { ...init, headers });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && !SESSION_QUESTIONS.has(path)) notifyUnauthorized();
    throw new ApiError(response.status, isErrorBody(parsed) ? parsed : null, path);
  }
  return parsed as T;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'message' in value;
}
