/**
 * An assertion with a message in front of its failure. Jest's `expect(value)` takes no message
 * (some runners take one as a second argument): `withMessage('the body', () => expect(x).toBe(1))`.
 * An assertion that returns a promise (`.resolves`, `.rejects`) is awaited through.
 */
export function withMessage<T>(message: string | undefined, assertion: () => T): T {
  try {
    const result = assertion();
    if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(prefixed(message, error))) as T;
    return result;
  } catch (error) {
    throw prefixed(message, error);
  }
}

function prefixed(message: string | undefined, error: unknown): unknown {
  if (message === undefined || message === '' || !(error instanceof Error)) return error;
  error.message = `${message}\n\n${error.message}`;
  // Jest reports a failed matcher through its matcherResult's message.
  const result = (error as Error & { matcherResult?: { message?: unknown } }).matcherResult;
  if (result && typeof result.message === 'string') result.message = `${message}\n\n${result.message}`;
  return error;
}
