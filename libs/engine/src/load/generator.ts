import autocannon from 'autocannon';
import type { ErrorKind } from '@loadtest/protocol';
import { FlowWalk } from '../flow/flow-walk.js';
import type { GeneratorRequest, RequestTarget, VirtualUser } from '@loadtest/plan/flow';
import { AutocannonClient, checkAutocannonClient } from './autocannon/adapter.js';
import { errorKind } from './error-kind.js';
import { EndGate, type EndingConnection } from './gate-end.js';
import { GatedConnection, type IterationWalk } from './gated-connection.js';
import type { Pacer } from './pacing/pacer.js';
import { SequenceWalk } from './sequence-walk.js';

export interface GeneratorOptions {
  baseUrl: string;
  /**
   * The checked address to connect to instead of the base URL's host (pinTarget): autocannon would otherwise
   * resolve the name again on every reconnect. `host` stays the Host header, `servername` the TLS server name.
   */
  connect?: { url: string; host: string; servername?: string };
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
  /** Connections with an iteration in progress now: a request in flight, or a flow between two of its steps. */
  vusInProgress(): number;
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
 * over from `setupClient` (before its first send, through the adapter,
 * ./autocannon/adapter.ts): a paced or flow connection is a GatedConnection,
 * the state machine that sends its iteration's requests (autocannon's own
 * sequence, or a virtual user's flow) and, at an iteration's end, asks the
 * pacer; a connection the pacer does not start now waits, idle and connected,
 * until the pacer starts it. An unpaced one-request plan keeps autocannon's own
 * sending, only watched (`watch`): the fast path.
 */
export function startGenerator(options: GeneratorOptions): RunningGenerator {
  let settle!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const endGate = new EndGate((request) => options.onError(request, 'interrupted'));
  const ending = () => endGate.ending;
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
      url: options.connect?.url ?? options.baseUrl,
      ...(options.connect?.servername ? { servername: options.connect.servername } : {}),
      // No socketPath, ever: only the checked address is connected to. autocannon follows no redirect.
      connections: options.connections,
      duration: SAFETY_DURATION_SECONDS,
      timeout: options.timeoutSeconds,
      // A flow's clients each send their own bytes (FlowWalk); autocannon still needs a request to start with.
      // A request's `host` is autocannon's Host header (it would otherwise write the pinned IP literal).
      requests: (options.flow ? [{ method: 'GET' as const, path: '/' }] : options.requests).map((request) =>
        options.connect ? { ...request, host: options.connect.host } : request,
      ),
      sampleInt: SAMPLE_INTERVAL_MS,
      skipAggregateResult: true,
      setupClient: (raw: unknown) => {
        // The first client of a process shows whether the installed autocannon has what the adapter uses.
        if (!checked) {
          checkAutocannonClient(raw);
          checked = true;
        }
        const client = new AutocannonClient(raw);
        const slot = slots++;
        if (options.flow || options.pacer) endGate.add(gated(client, slot, options, ending));
        else
          watch(
            client,
            options,
            ending,
            (connection) => endGate.add(connection),
            () => released,
          );
        // After the takeover: the opening wraps the client's send until connected (and, unpaced, released).
        holds.push(client.openWith(() => !options.pacer && !released, onConnected));
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
    vusInProgress: () => endGate.busyCount,
  };
}

/** Whether a client was checked against the adapter's needs (once per process: every client is alike). */
let checked = false;

/** Every connection goes on at once. */
const ALWAYS: Pacer = { ready: () => true };

/** A paced connection, or a flow's: a virtual user's flow, or autocannon's own request sequence, iteration by iteration. */
function gated(client: AutocannonClient, slot: number, options: GeneratorOptions, ending: () => boolean): GatedConnection {
  const walk: IterationWalk = options.flow
    ? new FlowWalk(client, options.flow.user(slot), { target: options.flow.target, timeoutMs: options.timeoutSeconds * 1000, onError: options.onError })
    : new SequenceWalk(client, options.requests.length);
  return new GatedConnection(slot, client, walk, { pacer: options.pacer ?? ALWAYS, ending, onResponse: options.onResponse, onError: options.onError });
}

/**
 * An unpaced connection: once released, autocannon sends as it always does,
 * and the worker only listens. The fastest path, used by a constant-vus
 * scenario that starts with the run (the generator benchmark measures it).
 */
function watch(
  client: AutocannonClient,
  options: GeneratorOptions,
  ending: () => boolean,
  register: (connection: EndingConnection) => void,
  released: () => boolean,
): void {
  let inFlight = false;
  // After the scenario's end, the answer of the request in flight sends no next one.
  client.takeOver(() => {
    inFlight = !ending() && !client.destroyed;
    if (inFlight) client.sendOwn();
  });
  register({
    get inFlight() {
      return inFlight ? client.ownRequestIndex : undefined;
    },
    get busy() {
      return inFlight;
    },
    close: () => client.destroy(),
  });
  client.onResponse((statusCode, bytes, durationMs) => {
    inFlight = false;
    options.onResponse(client.ownRequestIndex, statusCode, bytes, client.ownRequestBytes, durationMs * 1000);
  });
  // Before the release nothing was sent: a held connection that fails or idles out and reconnects lost no request.
  client.onConnectionError((error) => {
    if (released()) options.onError(client.ownRequestIndex, errorKind(error));
  });
  client.onTimeout(() => {
    if (released()) options.onError(client.ownRequestIndex, 'timeout');
  });
}
