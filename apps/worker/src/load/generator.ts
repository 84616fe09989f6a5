import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { ErrorKind } from '@loadtest/protocol';
import { flowGate, type FlowClient } from '../flow/flow-gate.js';
import type { RequestTarget } from '../flow/http-request.js';
import type { VirtualUser } from '../flow/virtual-user.js';
import { errorKind } from './error-kind.js';
import { EndGate, type EndingConnection } from './gate-end.js';
import type { Connection, Pacer } from './pacing/pacer.js';
import type { GeneratorRequest } from './plan-requests.js';

export interface GeneratorOptions {
  baseUrl: string;
  /** Connections to open: the most this scenario's share keeps busy at once. */
  connections: number;
  /** One iteration: each connection sends these in order, each after the previous one's answer. */
  requests: GeneratorRequest[];
  /**
   * Set for a plan that runs as a flow (flow/index.ts): each connection is then
   * a virtual user walking it, `requests` is not used, and the request index
   * handed to onResponse/onError is the HTTP step's (CompiledFlow.names).
   */
  flow?: GeneratorFlow;
  timeoutSeconds: number;
  /**
   * Decides when each connection starts its next iteration. Without one (a
   * constant-vus scenario that starts with the run), every connection goes on
   * at once from `release()` on, and autocannon's clients are only watched, not gated.
   */
  pacer?: Pacer;
  /** `request` is the index, in `requests`, of the request that was answered. */
  onResponse(request: number, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void;
  onError(request: number, kind: ErrorKind): void;
}

export interface GeneratorFlow {
  /** The virtual user of connection `slot` of this generator. */
  user(slot: number): VirtualUser;
  target: RequestTarget;
}

/** The part of an autocannon client this module relies on (autocannon ships no types for it). */
interface GeneratorClient {
  on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): void;
  on(event: 'connError', listener: (error: Error) => void): void;
  on(event: 'timeout', listener: () => void): void;
  requestIterator: { currentRequestIndex: number; currentRequest?: { requestBuffer?: Uint8Array } };
  /** The socket of the current connection: set by autocannon's `_connect` just before it calls `_doRequest`. */
  conn?: { once(event: 'connect', listener: () => void): void };
  destroyed: boolean;
  /** Sends the client's next request; autocannon calls it on connect and after each response. */
  _doRequest(): void;
  /** Closes the connection for good: autocannon emits nothing more for it. */
  destroy(): void;
}

export interface RunningGenerator {
  /**
   * The scenario's end (gracefulStop): no new iteration starts, those in
   * progress may end for up to `graceMs`, then what is still in flight counts
   * as `interrupted`. Resolves once every connection is closed.
   */
  end(graceMs: number): Promise<void>;
  /**
   * Resolves once every connection has connected (once each). Until then, and
   * until `release()`, nothing is sent: a paced connection waits for its pacer,
   * an unpaced one is held.
   */
  readonly connected: Promise<void>;
  /** Lets the unpaced connections send (at once, and on each connect from then on); a paced one already waits for its pacer. */
  release(): void;
  /** Stops at once, counting what is in flight as `interrupted`; resolves once every connection is closed. */
  stop(): Promise<void>;
  /** Resolves when the generator has ended, by `stop()` or by itself. */
  readonly done: Promise<void>;
}

/** Upper bound for autocannon's own timer; the worker ends the run itself at the planned instant. */
const SAFETY_DURATION_SECONDS = 7 * 24 * 3600;
/**
 * autocannon only acts on a stop at its next sampling tick. A short interval
 * makes a stop take effect within about 100 ms instead of up to a second.
 */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Opens autocannon's connections, each paced by `options.pacer`, or, without
 * one, held until `release()`.
 *
 * autocannon has no stages and no correct open model, so each client is taken
 * over from `setupClient` (which runs before the client's first send): its
 * `_doRequest`, which autocannon calls on connect and after every response,
 * goes through a gate. Within an iteration the gate lets the next request go at
 * once; at an iteration's end it asks the pacer, and a connection the pacer
 * does not start now waits, idle and connected, until the pacer starts it.
 *
 * Latency is handed on in microseconds: autocannon's per-response duration
 * (from the write, hrtime) plus, for a paced iteration's first request, how
 * late it was written after it was due, so that a slow target cannot hide its
 * delays by delaying the sends (coordinated omission).
 */
export function startGenerator(options: GeneratorOptions): RunningGenerator {
  let settle!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const endGate = new EndGate((request) => options.onError(request, 'interrupted'));
  const ending = () => endGate.ending;
  const register = (connection: EndingConnection) => endGate.add(connection);
  let slots = 0;
  let released = false;
  const holds: (() => void)[] = [];
  let open = 0;
  let allConnected!: () => void;
  const connected = new Promise<void>((resolve) => (allConnected = resolve));
  const onConnected = () => {
    if (++open === options.connections) allConnected();
  };
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      duration: SAFETY_DURATION_SECONDS,
      timeout: options.timeoutSeconds,
      // A flow's clients each set their own request (flowGate); autocannon still needs one to start with.
      requests: options.flow ? [{ method: 'GET', path: '/' }] : options.requests,
      sampleInt: SAMPLE_INTERVAL_MS,
      skipAggregateResult: true,
      setupClient: (raw: unknown) => {
        const flow = options.flow;
        const pacer = options.pacer ?? ALWAYS;
        if (flow) flowGate(raw as FlowClient, slots++, { ...flow, timeoutMs: options.timeoutSeconds * 1000, pacer, onResponse: options.onResponse, onError: options.onError }, ending, register);
        else if (options.pacer) gate(raw as GeneratorClient, slots++, { ...options, pacer: options.pacer }, ending, register);
        else watch(raw as GeneratorClient, options, ending, register, () => released);
        // After the gate or watch set the client's own `_doRequest`: the opening wraps theirs until connected and released.
        holds.push(opening(raw as GeneratorClient, !options.pacer, () => released, onConnected));
      },
    },
    (error: Error | null) => settle(error ?? undefined),
  );
  // Ended before every connection connected (a stop, or autocannon's own end): nobody waits for them any longer.
  void done.then(allConnected, allConnected);
  return {
    done,
    end: async (graceMs: number) => {
      await endGate.drain(graceMs);
      instance.stop();
      await done;
    },
    connected,
    release: () => {
      if (released) return;
      released = true;
      for (const release of holds) release();
    },
    stop: async () => {
      endGate.interrupt();
      instance.stop();
      await done;
    },
  };
}

/** Every connection goes on at once. */
const ALWAYS: Pacer = { ready: () => true };

/**
 * Follows a client until it has connected, and holds an unpaced one
 * (`hold`) until the generator is released: autocannon's `_connect` calls
 * `_doRequest` at once, before the socket has connected, so the client's
 * `_doRequest` is wrapped until then. Once the client has connected and (when
 * held) been released, the wrapper removes itself: the hot path is autocannon's
 * own, or the gate's. Returns the release of the client.
 */
function opening(client: GeneratorClient, hold: boolean, released: () => boolean, onConnected: () => void): () => void {
  const own = Object.hasOwn(client, '_doRequest');
  const inner = client._doRequest;
  let watched: GeneratorClient['conn'];
  let isConnected = false;
  let pending = false;
  const unwrap = () => {
    if (!isConnected || (hold && !released())) return;
    if (own) client._doRequest = inner;
    else delete (client as Partial<GeneratorClient>)._doRequest;
  };
  client._doRequest = () => {
    // A connection that failed is opened again on a new socket: follow that one.
    if (!isConnected && client.conn && client.conn !== watched) {
      const socket = client.conn;
      watched = socket;
      socket.once('connect', () => {
        if (isConnected || client.conn !== socket) return;
        isConnected = true;
        onConnected();
        unwrap();
      });
    }
    if (hold && !released()) {
      pending = true;
      return;
    }
    inner.call(client);
  };
  return () => {
    unwrap();
    if (!pending || client.destroyed) return;
    pending = false;
    client._doRequest();
  };
}

/**
 * An unpaced connection: once released, autocannon sends as it always does,
 * and the worker only listens. The fastest path, used by a constant-vus
 * scenario that starts with the run (the generator benchmark measures it).
 */
function watch(client: GeneratorClient, options: GeneratorOptions, ending: () => boolean, register: (connection: EndingConnection) => void, released: () => boolean): void {
  const send = Object.getPrototypeOf(client)._doRequest as () => void;
  const current = () => client.requestIterator.currentRequestIndex;
  let inFlight = false;
  // After the scenario's end, the answer of the request in flight sends no next one.
  client._doRequest = () => {
    inFlight = !ending() && !client.destroyed;
    if (inFlight) send.call(client);
  };
  register({
    get inFlight() {
      return inFlight ? current() : undefined;
    },
    get busy() {
      return inFlight;
    },
    close: () => client.destroy(),
  });
  client.on('response', (statusCode, bytes, durationMs) => {
    inFlight = false;
    const sent = client.requestIterator.currentRequest?.requestBuffer?.length ?? 0;
    options.onResponse(current(), statusCode, bytes, sent, durationMs * 1000);
  });
  // Before the release nothing was sent: a held connection that fails or idles out and reconnects lost no request.
  client.on('connError', (error) => {
    if (released()) options.onError(current(), errorKind(error));
  });
  client.on('timeout', () => {
    if (released()) options.onError(current(), 'timeout');
  });
}

/**
 * A paced connection. After the scenario's end (`ending`), an iteration in
 * progress still sends its remaining requests; no new one starts.
 */
function gate(client: GeneratorClient, slot: number, options: GeneratorOptions & { pacer: Pacer }, stopped: () => boolean, register: (connection: EndingConnection) => void): void {
  const send = Object.getPrototypeOf(client)._doRequest as () => void;
  const iterationLength = options.requests.length;
  let remaining = 0;
  /** How late the request in flight was sent after it was due (ms): 0 except for a paced iteration's first request. */
  let lateMs = 0;
  let inFlight = false;
  /** Whether the request that just ended (without an answer) was in flight: a timeout then counts. */
  let endedInFlight = false;
  /** The request that just ended: autocannon reports a timeout only after it has sent the next one. */
  let endedRequest = 0;
  let waiting = false;

  const connection: Connection = {
    slot,
    get waiting() {
      return waiting;
    },
    startIteration(dueAt?: number) {
      if (!waiting || client.destroyed || stopped()) return false;
      waiting = false;
      remaining = iterationLength - 1;
      // Read the clock only for a due instant: the closed models' hot path never does.
      lateMs = dueAt === undefined ? 0 : Math.max(0, performance.now() - dueAt);
      inFlight = true;
      send.call(client);
      return true;
    },
  };

  client._doRequest = () => {
    endedInFlight = inFlight;
    endedRequest = client.requestIterator.currentRequestIndex;
    if (waiting || client.destroyed) {
      inFlight = false;
      return;
    }
    if (remaining > 0) {
      remaining -= 1;
    } else if (!stopped() && options.pacer.ready(connection)) {
      // The common case of a closed model: the VU goes on at once, without a round trip through waiting.
      remaining = iterationLength - 1;
    } else {
      inFlight = false;
      waiting = !stopped();
      return;
    }
    lateMs = 0;
    inFlight = true;
    send.call(client);
  };

  const current = () => client.requestIterator.currentRequestIndex;
  register({
    get inFlight() {
      return inFlight ? current() : undefined;
    },
    get busy() {
      return inFlight;
    },
    close: () => client.destroy(),
  });
  // autocannon's duration runs from the write to the parsed response (hrtime, fractional ms).
  client.on('response', (statusCode, bytes, durationMs) => {
    const latencyMicros = (durationMs + lateMs) * 1000;
    inFlight = false;
    const sent = client.requestIterator.currentRequest?.requestBuffer?.length ?? 0;
    options.onResponse(current(), statusCode, bytes, sent, latencyMicros);
  });
  // A waiting connection that is reconnected (the server closed it, or autocannon's idle timer fired) lost no request.
  client.on('connError', (error) => {
    if (endedInFlight || inFlight || !waiting) options.onError(current(), errorKind(error));
  });
  client.on('timeout', () => {
    if (endedInFlight) options.onError(endedRequest, 'timeout');
    endedInFlight = false;
  });
}
