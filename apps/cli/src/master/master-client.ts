import { ErrorBodySchema } from '@loadtest/protocol';
import type { z } from 'zod';
import { CliError } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { MasterTarget } from './master-options.js';

/** The master's REST API under /api/v1, as the CLI calls it. */
export interface MasterApi {
  readonly target: MasterTarget;
  /** Calls `method path` and parses the answer with `schema`; throws {@link CliError} with the master's message and field paths. */
  call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, options?: CallOptions): Promise<T>;
  /** `GET path`'s answer as it is (a report: HTML, JSON, XML); the same errors as {@link call}. */
  download(path: string): Promise<string>;
}

export interface CallOptions {
  body?: unknown;
  /** The exit code of a 400 answer: bad usage unless the caller knows better. */
  badRequestExit?: ExitCode;
  /** HTTP statuses that are not failures for this call: the answer is then returned unparsed, as `undefined`. */
  tolerate?: readonly number[];
}

export type Fetch = typeof fetch;

const TIMEOUT_MS = 15_000;

/** Why a request never got an answer, in the words of the system (ECONNREFUSED, ENOTFOUND, a time-out). */
function unreachableReason(error: unknown): string {
  // Read by shape, not `instanceof Error`: fetch's errors come from Node's own realm, which a test runner's realm does not share.
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { message?: unknown; errors?: { message?: unknown }[] };
  };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (typeof e.cause?.message === 'string' && e.cause.message !== '') return e.cause.message;
  // A name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError of each attempt.
  const first = e.cause?.errors?.[0]?.message;
  if (typeof first === 'string') return first;
  return typeof e.message === 'string' ? e.message : String(error);
}

/** The exit code of an HTTP error answer. */
function refusalExit(status: number, badRequestExit: ExitCode): ExitCode {
  if (status === 400) return badRequestExit;
  return EXIT.refused;
}

/** A hint for the answers people most often get wrong. */
function hint(status: number, target: MasterTarget): string | undefined {
  if (status === 401)
    return target.token ? 'the token was refused: check --token (or LOADTEST_TOKEN)' : 'the master wants a token: pass --token lt_… (or set LOADTEST_TOKEN)';
  if (status === 403) return "the token's role may not do this (runs need an operator or admin token)";
  return undefined;
}

/** The error for an answer that is not 2xx: the master's message and field paths, and a hint for 401 and 403. */
function refusal(target: MasterTarget, method: string, path: string, status: number, json: unknown, badRequestExit: ExitCode): CliError {
  const error = ErrorBodySchema.safeParse(json);
  const message = error.success ? error.data.message : `HTTP ${status}`;
  // The message often names the issues already (`invalid params: id: must be a UUID`): each is listed once.
  const details = error.success
    ? (error.data.issues ?? []).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).filter((line) => !message.includes(line))
    : [];
  const tip = hint(status, target);
  return new CliError(
    `the master refused ${method} ${path} (${status}${error.success ? ` ${error.data.error}` : ''}): ${message}`,
    refusalExit(status, badRequestExit),
    tip ? [...details, tip] : details,
  );
}

const jsonOrUndefined = (text: string): unknown => {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

export function masterClient(target: MasterTarget, fetchImpl: Fetch = fetch): MasterApi {
  /** One request with the token; its status and body text. Unreachable: a CliError with the system's reason. */
  async function send(method: string, path: string, accept: string, body?: unknown): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { accept };
    if (target.token) headers.authorization = `Bearer ${target.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(`${target.url}/api/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(`cannot reach the master at ${target.url}: ${unreachableReason(error)}`, EXIT.unreachable);
    }
    return { response, text: await response.text().catch(() => '') };
  }

  return {
    target,
    async download(path: string): Promise<string> {
      const { response, text } = await send('GET', path, '*/*');
      if (!response.ok) throw refusal(target, 'GET', path, response.status, jsonOrUndefined(text), EXIT.usage);
      return text;
    },
    async call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
      const { response, text } = await send(method, path, 'application/json', options.body);
      if (options.tolerate?.includes(response.status)) return undefined as T;
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new CliError(`${target.url} did not answer ${method} ${path} like a loadtest master (HTTP ${response.status}, not JSON)`, EXIT.unreachable);
      }
      if (!response.ok) throw refusal(target, method, path, response.status, json, options.badRequestExit ?? EXIT.usage);
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new CliError(
          `${target.url} answered ${method} ${path} with something this CLI does not understand (is it a loadtest master of this version?)`,
          EXIT.unreachable,
          [
            parsed.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; '),
          ],
        );
      return parsed.data;
    },
  };
}
