import type { FieldIssue } from '@loadtest/protocol';
import { InvalidRunRequest, RunDomainError } from '../runs/run-errors.js';

const STATUS_OF_KIND: Record<RunDomainError['kind'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

/** The HTTP status (and field issues) a domain error is answered with; null for any other error. */
export function httpStatusOf(error: unknown): { statusCode: number; issues?: FieldIssue[] } | null {
  if (!(error instanceof RunDomainError)) return null;
  const issues = error instanceof InvalidRunRequest ? error.issues : undefined;
  return { statusCode: STATUS_OF_KIND[error.kind], ...(issues ? { issues } : {}) };
}
