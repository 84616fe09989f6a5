import { httpSteps, type HttpMethod, type HttpStep, type Plan, type RequestBody } from '@loadtest/protocol';

/** A request in the shape autocannon's `requests` option takes. */
export interface GeneratorRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

function encodeBody(plan: Plan, body: RequestBody | undefined, headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined) return undefined;
  const setType = (type: string) => {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = type;
  };
  if (body.text !== undefined) return body.text;
  if (body.form !== undefined) {
    setType('application/x-www-form-urlencoded');
    return new URLSearchParams(body.form).toString();
  }
  if (body.file !== undefined) {
    const attachment = plan.attachments.find((a) => a.name === body.file);
    if (!attachment) throw new Error(`attachment "${body.file}" is not in the plan`);
    if (attachment.contentType) setType(attachment.contentType);
    return attachment.text ?? Buffer.from(attachment.base64 ?? '', 'base64');
  }
  setType('application/json');
  return JSON.stringify(body.json);
}

/** Joins the base URL's own path (e.g. `/api`) with a request path (e.g. `/users`). */
export function joinPath(basePath: string, path: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

function withQuery(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  if (!search) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

function toRequest(plan: Plan, basePath: string, step: HttpStep): GeneratorRequest {
  const headers = { ...plan.headers, ...step.headers };
  const body = encodeBody(plan, step.body, headers);
  return {
    method: step.method,
    path: withQuery(joinPath(basePath, step.url), step.query),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/**
 * Turns a plan that is a plain sequence of HTTP requests into the sequence each
 * connection cycles through; `names[i]` is the step of `requests[i]`.
 */
export function planRequests(plan: Plan): { requests: GeneratorRequest[]; names: string[] } {
  const basePath = new URL(plan.baseUrl).pathname;
  const steps = httpSteps(plan.steps);
  return { requests: steps.map((step) => toRequest(plan, basePath, step)), names: steps.map((step) => step.name) };
}
