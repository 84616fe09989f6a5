import type { Plan } from '@loadtest/protocol';
import { PlanSchema } from '../../src/index.js';
import { FlowResponse } from '../../src/flow/response.js';

/** A plan from its steps (and any other fields), parsed as the master would. */
export function plan(steps: unknown[], rest: Record<string, unknown> = {}): Plan {
  return PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:8080/api', steps, ...rest });
}

/** A response as the flow gate hands it over. */
export function response(status: number, body = '', headers: Record<string, string> = {}, latencyMs = 10): FlowResponse {
  const bytes = Buffer.from(body);
  return new FlowResponse(status, latencyMs, bytes.length, [bytes], Object.entries(headers).flat());
}
