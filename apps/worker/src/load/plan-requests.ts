import type { HttpMethod, Plan, RequestBody } from '@loadtest/protocol';

/** A request in the shape autocannon's `requests` option takes. */
export interface GeneratorRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

function encodeBody(body: RequestBody | undefined, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** Joins the base URL's own path (e.g. `/api`) with a request path (e.g. `/users`). */
export function joinPath(basePath: string, path: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  return `${base}${path}`;
}

/** Turns a plan's requests into the sequence each connection cycles through. */
export function planRequests(plan: Plan): GeneratorRequest[] {
  const basePath = new URL(plan.baseUrl).pathname;
  return plan.requests.map((request) => {
    const headers = { ...request.headers };
    const body = encodeBody(request.body, headers);
    return {
      method: request.method,
      path: joinPath(basePath, request.path),
      headers,
      ...(body === undefined ? {} : { body }),
    };
  });
}
