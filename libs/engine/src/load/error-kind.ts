import type { ErrorKind } from '@loadtest/protocol';

/** Sorts a request error into the kinds a run reports. */
export function errorKind(error: unknown): ErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ETIMEDOUT' || /timed out/i.test(message)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  return 'other';
}
