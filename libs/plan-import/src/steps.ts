import type { HttpMethod, HttpStep, RequestBody, ThinkStep } from '@loadtest/protocol';

export interface HttpStepInput {
  name: string;
  method: HttpMethod;
  url: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: RequestBody;
  timeoutSeconds?: number;
}

/** An HTTP step with the plan format's defaults filled in. */
export function httpStep(input: HttpStepInput): HttpStep {
  return {
    kind: 'http',
    name: input.name,
    method: input.method,
    url: input.url,
    query: input.query ?? {},
    headers: input.headers ?? {},
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.timeoutSeconds === undefined ? {} : { timeoutSeconds: input.timeoutSeconds }),
    extract: [],
    checks: [],
  };
}

export function thinkStep(think: { ms: number } | { minMs: number; maxMs: number }, name?: string): ThinkStep {
  return { kind: 'think', ...(name === undefined ? {} : { name }), ...think };
}
