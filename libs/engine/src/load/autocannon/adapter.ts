import { createRequire } from 'node:module';

/**
 * The one place that touches autocannon's private internals.
 *
 * autocannon has no stages, no open model and no per-request hook, so the worker takes its clients over: autocannon
 * calls a client's `_doRequest` on connect, after every response and on reconnecting after an error or a timeout;
 * an own `_doRequest` on the client replaces it (`takeOver`), and the worker then sends (`send`, `sendOwn`) or parks
 * the connection by sending nothing until it resumes. Everything else goes through autocannon's public client API
 * where one exists (`setRequests`, the `headers`, `response`, `connError`, `timeout` and `done` events, `destroy`).
 *
 * autocannon ships no types and no promise for its internals: its version is pinned exactly (libs/engine/package.json),
 * `checkAutocannonClient` fails the first client handed to `setupClient` with a message naming the installed version
 * when one of them is missing, and test/autocannon-contract.test.ts pins the list and the event order:
 *
 * - a response: `headers` → body chunks → `response` → `ready` (the next send);
 * - a connection error: `connError` (the request still in flight) → `ready` (on the new socket);
 * - a timeout: `ready` (on the new socket) → `timeout` (the request that timed out is no longer in flight);
 * - a connect: `ready` is called by `_connect` before the socket has connected.
 */

/** The parts of autocannon 9's client (lib/httpClient.js) this module relies on. */
interface RawClient {
  on(event: string, listener: (...args: never[]) => void): void;
  /** Public: replaces the client's request sequence. */
  setRequests(requests: object[]): void;
  destroy(): void;
  destroyed: boolean;
  /** Private: sends the current request and re-arms the timeout; autocannon calls it through `this`. */
  _doRequest(): void;
  requestIterator: { currentRequestIndex: number; currentRequest?: { requestBuffer?: Uint8Array } };
  pipelinedRequests: { addBody(chunk: Buffer): void };
  /** http-parser-js's HTTPParser: handlers are stored under numeric keys given by its constructor. */
  parser: Record<number, unknown>;
  /** The request timeout in ms, read by `_doRequest` at each send. */
  timeout: number;
  /** The socket, set by `_connect` just before it calls `_doRequest`. */
  conn?: { once(event: 'connect', listener: () => void): void };
}

/** What `checkAutocannonClient` verifies, in words (the contract test pins this list). */
export const AUTOCANNON_CLIENT_INTERNALS = [
  '_doRequest (on the prototype: sends the next request; called through `this`, so an own property replaces it)',
  'setRequests(requests) (public)',
  'requestIterator.currentRequestIndex (a number)',
  'requestIterator.currentRequest.requestBuffer (the bytes of the current request)',
  'pipelinedRequests.addBody(chunk)',
  'parser.constructor.kOnHeadersComplete (the numeric slot of the parser handler)',
  'parser[kOnHeadersComplete] (a function)',
  'timeout (the request timeout in ms)',
  'destroyed (a boolean)',
  '_connect (on the prototype: opens the socket as `conn`, then calls _doRequest)',
] as const;

export type AutocannonInternal = (typeof AUTOCANNON_CLIENT_INTERNALS)[number];

function at(value: unknown, key: string): unknown {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? (value as Record<string, unknown>)[key] : undefined;
}

/** Which of the internals a client (as handed to `setupClient`) lacks; empty when it has them all. */
export function autocannonClientProblems(client: unknown): AutocannonInternal[] {
  const [doRequest, setRequests, index, buffer, addBody, slot, handler, timeout, destroyed, connect] = AUTOCANNON_CLIENT_INTERNALS;
  const problems: AutocannonInternal[] = [];
  const prototype: unknown = typeof client === 'object' && client !== null ? Object.getPrototypeOf(client) : undefined;
  const iterator = at(client, 'requestIterator');
  const parser = at(client, 'parser');
  const slotKey = at(typeof parser === 'object' && parser !== null ? parser.constructor : undefined, 'kOnHeadersComplete');
  if (typeof at(prototype, '_doRequest') !== 'function') problems.push(doRequest);
  if (typeof at(client, 'setRequests') !== 'function') problems.push(setRequests);
  if (typeof at(iterator, 'currentRequestIndex') !== 'number') problems.push(index);
  if (!(at(at(iterator, 'currentRequest'), 'requestBuffer') instanceof Uint8Array)) problems.push(buffer);
  if (typeof at(at(client, 'pipelinedRequests'), 'addBody') !== 'function') problems.push(addBody);
  if (typeof slotKey !== 'number') problems.push(slot);
  else if (typeof at(parser, String(slotKey)) !== 'function') problems.push(handler);
  if (typeof at(client, 'timeout') !== 'number') problems.push(timeout);
  if (typeof at(client, 'destroyed') !== 'boolean') problems.push(destroyed);
  if (typeof at(prototype, '_connect') !== 'function') problems.push(connect);
  return problems;
}

/** The installed autocannon's version, for error messages; '?' when it cannot be read. */
export function autocannonVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return String((require('autocannon/package.json') as { version?: unknown }).version ?? '?');
  } catch {
    return '?';
  }
}

/** The installed autocannon lacks an internal the worker relies on. */
export class UnsupportedAutocannon extends Error {
  constructor(
    readonly version: string,
    readonly missing: readonly AutocannonInternal[],
  ) {
    super(
      `autocannon ${version} is not supported by this worker: its client lacks ${missing.join('; ')} ` +
        `(the worker relies on autocannon 9.0.0's internals, libs/engine/src/load/autocannon/adapter.ts; pin that version)`,
    );
    this.name = 'UnsupportedAutocannon';
  }
}

/** Fails, naming the installed version and what is missing, when `client` lacks an internal the adapter uses. */
export function checkAutocannonClient(client: unknown, version: () => string = autocannonVersion): void {
  const missing = autocannonClientProblems(client);
  if (missing.length > 0) throw new UnsupportedAutocannon(version(), missing);
}

/** How many times a client's own request is listed in its sequence (see `send`). */
const OWN_REQUEST_COPIES = 64;

/** http-parser-js hands the headers-complete handler one info object (its default mode), or the fields one by one. */
interface HeadersInfo {
  headers?: string[];
  statusCode?: number;
}

/**
 * One autocannon client, taken over from `setupClient` (before its first send). Every method is cheap: the hot
 * path of a send is `ready` → `send` → autocannon's own write.
 */
export class AutocannonClient {
  private readonly raw: RawClient;
  /** autocannon's own send (Client.prototype._doRequest). */
  private readonly ownSend: () => void;
  /** The client's only request once `useOwnRequests` was called: `send` sets its bytes. */
  private request: { method: string; path: string; requestBuffer?: Uint8Array } | undefined;
  private skipBody: ((statusCode: number) => boolean) | undefined;
  private parserWrapped = false;

  constructor(raw: unknown) {
    this.raw = raw as RawClient;
    this.ownSend = (Object.getPrototypeOf(raw) as RawClient)._doRequest;
  }

  get destroyed(): boolean {
    return this.raw.destroyed;
  }

  /** Closes the connection for good: autocannon emits nothing more for it (but `done`). */
  destroy(): void {
    this.raw.destroy();
  }

  /**
   * From now on autocannon calls `ready` instead of sending: on connect, after every response and on reconnecting
   * after an error or a timeout. `ready` sends (`send`, `sendOwn`) or parks the connection by sending nothing; a
   * parked connection stays idle and connected until something calls `send` again.
   */
  takeOver(ready: () => void): void {
    this.raw._doRequest = ready;
  }

  /** Sends the next request of autocannon's own sequence (its `requests`, built once by autocannon). */
  sendOwn(): void {
    this.ownSend.call(this.raw);
  }

  /** The index, in autocannon's own sequence, of the request last sent by `sendOwn`. */
  get ownRequestIndex(): number {
    return this.raw.requestIterator.currentRequestIndex;
  }

  /** The size of the request last sent by `sendOwn`, bytes. */
  get ownRequestBytes(): number {
    return this.raw.requestIterator.currentRequest?.requestBuffer?.length ?? 0;
  }

  /** Sends these bytes, with this timeout (ms; autocannon re-arms its timer with it at each send). */
  send(bytes: Uint8Array, timeoutMs: number): void {
    this.request ??= this.ownRequest();
    this.request.requestBuffer = bytes;
    this.raw.timeout = timeoutMs;
    this.wrapParser();
    this.ownSend.call(this.raw);
  }

  /**
   * Prepares `send` (from `setupClient`, so that the first send does not pay for it): the client's sequence becomes
   * one request of its own, whose bytes each send replaces; the requests given to autocannon are not used.
   */
  useOwnRequests(): void {
    this.request ??= this.ownRequest();
  }

  private ownRequest(): { method: string; path: string; requestBuffer?: Uint8Array } {
    const request = { method: 'GET', path: '/' };
    // Listed many times: autocannon deep-clones its context each time its iterator goes round the list.
    this.raw.setRequests(new Array<object>(OWN_REQUEST_COPIES).fill(request));
    return request;
  }

  /**
   * Body chunks go to `listener` instead of autocannon, which would otherwise build every body as a string.
   * Only for clients that `send` their own bytes (autocannon's own sequence keeps its own body handling).
   */
  onBody(listener: (chunk: Buffer) => void): void {
    this.raw.pipelinedRequests.addBody = listener;
  }

  /**
   * After `send`, a response whose status makes `skip` true has no body to wait for, whatever its headers say
   * (a HEAD's answer announces one; autocannon's parser would wait for it).
   */
  skipBodyWhen(skip: (statusCode: number) => boolean): void {
    this.skipBody = skip;
  }

  /** autocannon sets its parser handlers after `setupClient`: they are wrapped at the first send. */
  private wrapParser(): void {
    if (this.parserWrapped || this.skipBody === undefined) return;
    this.parserWrapped = true;
    const skip = this.skipBody;
    const key = (this.raw.parser.constructor as unknown as { kOnHeadersComplete: number }).kOnHeadersComplete;
    const own = this.raw.parser[key] as (...args: unknown[]) => unknown;
    // Fixed parameters rather than a rest array: this runs for every response. http-parser-js passes one info object
    // (its default), or the fields one by one (versionMajor, versionMinor, headers, method, url, statusCode, …).
    this.raw.parser[key] = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown) => {
      const statusCode = typeof a === 'object' && a !== null ? (a as HeadersInfo).statusCode : (f as number | undefined);
      own(a, b, c, d, e, f, g, h, i);
      return skip(statusCode ?? 0) ? 1 : undefined;
    };
  }

  /** The status line and headers of a response (public `headers` event), before its body. */
  onHeaders(listener: (statusCode: number, rawHeaders: readonly string[]) => void): void {
    this.raw.on('headers', (info: HeadersInfo) => listener(info.statusCode ?? 0, info.headers ?? []));
  }

  /** A response: status, bytes received, ms from the write to the parsed response (hrtime, fractional). Before `ready`. */
  onResponse(listener: (statusCode: number, bytes: number, durationMs: number) => void): void {
    this.raw.on('response', listener);
  }

  /** The connection failed; emitted while the request is still in flight, before the reconnect's `ready`. */
  onConnectionError(listener: (error: Error) => void): void {
    this.raw.on('connError', listener);
  }

  /** The request timed out; emitted after the reconnect's `ready` (the request that timed out ended there). */
  onTimeout(listener: () => void): void {
    this.raw.on('timeout', listener);
  }

  /** The client was destroyed (autocannon's end or `destroy`). */
  onDone(listener: () => void): void {
    this.raw.on('done', listener);
  }

  /**
   * Follows the client until its socket has connected, and holds it (sends nothing) while `held()`: autocannon's
   * `_connect` calls `_doRequest` at once, before the socket has connected, so the current `_doRequest` (the
   * client's own after `takeOver`, or autocannon's) is wrapped until then. Once connected and no longer held, the
   * wrapper removes itself: the hot path is the unwrapped one. Returns the release of a held client (it then sends
   * what it held back).
   */
  openWith(held: () => boolean, onConnected: () => void): () => void {
    const raw = this.raw;
    const own = Object.hasOwn(raw, '_doRequest');
    const inner = raw._doRequest;
    let watched: RawClient['conn'];
    let isConnected = false;
    let pending = false;
    const unwrap = () => {
      if (!isConnected || held()) return;
      if (own) raw._doRequest = inner;
      else delete (raw as Partial<RawClient>)._doRequest;
    };
    raw._doRequest = () => {
      // A connection that failed is opened again on a new socket: follow that one.
      if (!isConnected && raw.conn && raw.conn !== watched) {
        const socket = raw.conn;
        watched = socket;
        socket.once('connect', () => {
          if (isConnected || raw.conn !== socket) return;
          isConnected = true;
          onConnected();
          unwrap();
        });
      }
      if (held()) {
        pending = true;
        return;
      }
      inner.call(raw);
    };
    return () => {
      unwrap();
      if (!pending || raw.destroyed) return;
      pending = false;
      raw._doRequest();
    };
  }
}
