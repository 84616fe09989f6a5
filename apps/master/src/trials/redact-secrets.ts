import { isSecretVariable, SECRET_MASK, type Plan } from '@loadtest/protocol';

/** The forms a value takes in a request as sent: as written, percent-encoded (URLs, forms), JSON-escaped (bodies). */
function spellings(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])].filter((s) => s !== '');
}

/**
 * A trial's trace with every secret variable's value replaced by `***` wherever it shows (a request's URL, headers or
 * body, a response echoing it, an extraction): the trace is an API answer, and secrets are never one. Best effort: a
 * value transformed otherwise (base64 in a Basic header, hashed) is not recognised.
 */
export function redactSecretValues<T>(trace: T, plan: Pick<Plan, 'variables'>): T {
  const secrets = Object.values(plan.variables)
    .filter(isSecretVariable)
    .flatMap((variable) => spellings(String(variable.value)))
    // Longest first: a secret that holds another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return trace;
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return secrets.reduce((text, secret) => text.replaceAll(secret, SECRET_MASK), value);
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
    return value;
  };
  return redact(trace) as T;
}
