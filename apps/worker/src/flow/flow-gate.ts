import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '@loadtest/protocol';
import { errorKind } from '../load/error-kind.js';
import type { EndingConnection } from '../load/gate-end.js';
import type { Connection, Pacer } from '../load/pacing/pacer.js';
import type { CompiledHttp } from './compile.js';
import { renderRequest, UnsendableRequest, type RequestTarget } from './http-request.js';
import { FlowResponse } from './response.js';
import type { VirtualUser } from './virtual-user.js';

/** What the flow gate needs besides the pacer, from the share. */
export interface FlowGateOptions {
  /** The virtual user of connection `slot` of this generator. */
  user(slot: number): VirtualUser;
  target: RequestTarget;
  /** The run's request timeout, for steps without their own. */
  timeoutMs: number;
  pacer: Pacer;
  /** `step` is the index of the HTTP step answered (CompiledFlow.names). */
  onResponse(step: number, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void;
  onError(step: number, kind: ErrorKind): void;
}

/** The part of an autocannon client (lib/httpClient.js) the flow gate relies on. */
export interface FlowClient {
  on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): void;
  on(event: 'connError', listener: (error: Error) => void): void;
  on(event: 'timeout' | 'done', listener: () => void): void;
  requestIterator: { setRequests(requests: object[]): void };
  pipelinedRequests: { addBody(chunk: Buffer): void };
  /** http-parser-js's HTTPParser: handlers are stored under numeric keys given by its constructor. */
  parser: object;
  /** The request timeout in ms, read by autocannon at each send. */
  timeout: number;
  destroyed: boolean;
  _doRequest(): void;
  destroy(): void;
}

/** An iteration that sent nothing and did not pause ends this much later, so that a closed model cannot spin. */
const EMPTY_ITERATION_PAUSE_MS = 1;

/** Responses that never carry a body, whatever their headers say. */
function bodyless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

type State = 'connecting' | 'running' | 'thinking' | 'waiting' | 'exhausted' | 'ended';

/**
 * Takes over one autocannon client for a virtual user walking the plan's flow
 * (see ./index.ts for the mechanism). Called from autocannon's setupClient,
 * before the client's first send. Once `ending` (the scenario's end), an
 * iteration in progress goes on to its end (its pauses included); no new one
 * starts. `register` hands the connection to the generator's EndGate.
 */
export function flowGate(client: FlowClient, slot: number, options: FlowGateOptions, ending: () => boolean, register: (connection: EndingConnection) => void): void {
  const send = Object.getPrototypeOf(client)._doRequest as () => void;
  const vu = options.user(slot);
  // The client's only request: each send sets its bytes. The requests given to autocannon are not used.
  const request: { method: string; path: string; requestBuffer?: Buffer } = { method: 'GET', path: '/' };
  client.requestIterator.setRequests([request]);

  let state: State = 'connecting';
  /** The step of the request written and not answered yet. */
  let inFlight: CompiledHttp | undefined;
  /** The request that was in flight when autocannon last called _doRequest (it ended without an answer). */
  let ended: CompiledHttp | undefined;
  /** How late the iteration started after it was due (ms); added to its first request's latency. */
  let lateMs = 0;
  let sentLateMs = 0;
  let sentBytes = 0;
  let bodyBytes = 0;
  let chunks: Buffer[] | undefined;
  let rawHeaders: readonly string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let emptyIteration = true;

  // Body bytes are counted for `size`, and kept only for a step that reads them
  // (autocannon would otherwise build every body as a string).
  client.pipelinedRequests.addBody = (chunk: Buffer) => {
    bodyBytes += chunk.length;
    chunks?.push(chunk);
  };
  // The headers, for extractions and checks; and no body to wait for after a HEAD, a 204 or a 304.
  // autocannon sets its parser callbacks after setupClient: this wraps its own, on the first send.
  let parserWrapped = false;
  const wrapParser = () => {
    parserWrapped = true;
    const key = (client.parser.constructor as unknown as { kOnHeadersComplete: number }).kOnHeadersComplete;
    const parser = client.parser as Record<number, (...args: unknown[]) => unknown>;
    const onHeaders = parser[key]!;
    parser[key] = (...args: unknown[]) => {
      // http-parser-js hands over one info object (its default), or the fields one by one.
      const info = args.length === 1 ? (args[0] as { headers?: string[]; statusCode?: number }) : { headers: args[2] as string[], statusCode: args[5] as number };
      rawHeaders = info.headers ?? [];
      onHeaders(...args);
      return bodyless(inFlight?.method, info.statusCode ?? 0) ? 1 : undefined;
    };
  };

  const connection: Connection = {
    slot,
    get waiting() {
      return state === 'waiting';
    },
    startIteration(dueAt?: number) {
      if (state !== 'waiting' || client.destroyed || ending()) return false;
      if (!vu.beginIteration()) {
        state = 'exhausted';
        return false;
      }
      lateMs = dueAt === undefined ? 0 : Math.max(0, performance.now() - dueAt);
      state = 'running';
      emptyIteration = true;
      advance();
      return true;
    },
  };

  /** The iteration has ended: the pacer says whether the next starts now. True when it has. */
  const nextIteration = (): boolean => {
    if (ending()) {
      state = 'ended';
      return false;
    }
    if (vu.stopped) {
      state = 'exhausted';
      return false;
    }
    if (!options.pacer.ready(connection)) {
      state = 'waiting';
      return false;
    }
    if (!vu.beginIteration()) {
      state = 'exhausted';
      return false;
    }
    lateMs = 0;
    emptyIteration = true;
    state = 'running';
    return true;
  };

  const pause = (ms: number, then: () => void) => {
    state = 'thinking';
    timer = setTimeout(() => {
      timer = undefined;
      if (client.destroyed) {
        state = 'ended';
        return;
      }
      state = 'running';
      then();
    }, ms);
  };

  /** Walks the flow to the next request (sent), pause (parked) or the end of the iteration. */
  function advance(): void {
    for (;;) {
      if (client.destroyed) {
        state = 'ended';
        return;
      }
      const action = vu.next();
      if (action.kind === 'request') {
        const step = action.step;
        let bytes: Buffer;
        try {
          bytes = renderRequest(step, vu.scope.lookup, options.target);
        } catch (error) {
          // Not sent (its URL is on another server, or is not a URL): the step fails, the flow goes on.
          if (!(error instanceof UnsendableRequest) && !(error instanceof TypeError)) throw error;
          options.onError(step.index, 'other');
          vu.complete(FlowResponse.failed());
          continue;
        }
        request.requestBuffer = bytes;
        sentBytes = bytes.length;
        sentLateMs = lateMs;
        lateMs = 0;
        bodyBytes = 0;
        chunks = step.needsBody ? [] : undefined;
        rawHeaders = [];
        client.timeout = step.timeoutMs ?? options.timeoutMs;
        emptyIteration = false;
        inFlight = step;
        send.call(client);
        return;
      }
      if (action.kind === 'think') {
        emptyIteration = false;
        pause(action.ms, advance);
        return;
      }
      if (emptyIteration) {
        pause(EMPTY_ITERATION_PAUSE_MS, () => {
          if (nextIteration()) advance();
        });
        return;
      }
      if (!nextIteration()) return;
    }
  }

  // autocannon calls this on connect, after every response, and on reconnecting after an error or a timeout.
  client._doRequest = () => {
    if (!parserWrapped) wrapParser();
    ended = inFlight;
    inFlight = undefined;
    if (client.destroyed) return;
    if (ended) {
      // The request got no answer: to the flow, a failed response.
      vu.complete(FlowResponse.failed());
    }
    if (state === 'connecting') {
      if (nextIteration()) advance();
    } else if (state === 'running') {
      advance();
    }
    // Waiting, thinking, exhausted or ended: a reconnect while parked loses nothing and sends nothing.
  };

  register({
    get inFlight() {
      return inFlight?.index;
    },
    get busy() {
      return state === 'running' || state === 'thinking';
    },
    close: () => client.destroy(),
  });

  client.on('response', (statusCode, bytes, durationMs) => {
    const step = inFlight;
    if (!step) return;
    inFlight = undefined;
    const latencyMs = durationMs + sentLateMs;
    options.onResponse(step.index, statusCode, bytes, sentBytes, latencyMs * 1000);
    vu.complete(new FlowResponse(statusCode, latencyMs, bodyBytes, chunks, rawHeaders));
    chunks = undefined;
  });
  // A connection error is emitted before the reconnect's _doRequest (the request is still in flight), a timeout after it.
  client.on('connError', (error) => {
    if (inFlight) options.onError(inFlight.index, errorKind(error));
  });
  client.on('timeout', () => {
    if (ended) options.onError(ended.index, 'timeout');
    ended = undefined;
  });
  client.on('done', () => {
    clearTimeout(timer);
    state = 'ended';
  });
}
