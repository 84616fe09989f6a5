import type { TrialResource } from '@loadtest/protocol';
import { apiRequest } from './client.js';

/**
 * Runs one iteration of `plan` (as written, saved or not) on one idle worker and resolves with its trace
 * (`POST /trials`). Rejects with an ApiError: 400 with the plan's issues (paths under `plan.`), 409 when
 * no worker is idle, 504 when the worker did not answer in time.
 */
export function tryIteration(plan: unknown): Promise<TrialResource> {
  return apiRequest<TrialResource>('/trials', { method: 'POST', body: JSON.stringify({ plan }) });
}
