import type { Plan, RequestBody } from '@loadtest/protocol';
import { isTemplated } from './template.js';

function jsonTemplated(value: unknown): boolean {
  if (typeof value === 'string') return isTemplated(value);
  if (Array.isArray(value)) return value.some(jsonTemplated);
  if (value !== null && typeof value === 'object') return Object.values(value).some(jsonTemplated);
  return false;
}

function bodyTemplated(body: RequestBody | undefined): boolean {
  if (body === undefined || body.file !== undefined) return false;
  if (body.text !== undefined) return isTemplated(body.text);
  if (body.form !== undefined) return Object.values(body.form).some(isTemplated);
  return jsonTemplated(body.json);
}

/**
 * Whether a plan runs on autocannon's static requests at full speed (the fast
 * path, load/plan-requests.ts): a plain sequence of HTTP steps (no HEAD, paths
 * under the base URL), with no template (nor `$${` escape) anywhere, no extraction, no check, no timeout of
 * its own, and no feeder. Anything else runs as a flow (./index.ts).
 */
export function isPlainSequence(plan: Plan): boolean {
  if (plan.feeders.length > 0 || Object.values(plan.headers).some(isTemplated)) return false;
  return plan.steps.every(
    (step) =>
      step.kind === 'http' &&
      // autocannon's own parser waits for a HEAD answer's announced body; the flow path knows there is none.
      step.method !== 'HEAD' &&
      // The static requests are paths under the base URL; an absolute URL goes through the flow path.
      step.url.startsWith('/') &&
      step.extract.length === 0 &&
      step.checks.length === 0 &&
      step.timeoutSeconds === undefined &&
      !isTemplated(step.url) &&
      !Object.values(step.query).some(isTemplated) &&
      !Object.values(step.headers).some(isTemplated) &&
      !bodyTemplated(step.body),
  );
}
