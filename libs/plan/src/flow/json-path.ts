import { query, type JsonValue } from 'jsonpath-rfc9535';

/** Throws, naming `what`, when `path` is not an RFC 9535 JSONPath query. */
export function assertJsonPath(path: string, what: string): void {
  try {
    query(null, path);
  } catch (error) {
    throw new Error(`${what}: invalid JSONPath ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}

/** The first value `path` selects in `json`, or undefined (also when the body is not JSON). */
export function firstMatch(json: unknown, path: string): { value: unknown } | undefined {
  if (json === undefined) return undefined;
  const values = query(json as JsonValue, path);
  return values.length === 0 ? undefined : { value: values[0] };
}
