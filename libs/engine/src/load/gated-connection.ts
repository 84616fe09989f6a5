import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '@loadtest/protocol';
import type { AutocannonClient } from './autocannon/adapter.js';
import { errorKind } from './error-kind.js';
import type { EndingConnection } from './gate-end.js';
import type { Connection, Pacer } from './pacing/pacer.js';

/** What a walk did when asked to go on: sent a request, paused, or reached the iteration's end. */
export type WalkStep = 'sent' | 'pause' | 'end';

/**
 * What one connection's iterations are made of: autocannon's own request sequence (SequenceWalk) or a virtual user
 * walking the plan's flow (flow/flow-walk.ts). The walk sends; the connection decides when it may.
 */
export interface IterationWalk {
  /** Starts an iteration; false when none may start any more (a feeder ran out): the connection is then exhausted. */
  begin(): boolean;
  /** True once no iteration may start any more. */
  readonly stopped: boolean;
  /**
   * Goes on with the iteration: sends its next request (`sent`; `request` and `bytes` then say which), or pauses
   * (`pause`, for `pauseMs`), or reaches its end (`end`).
   */
  next(): WalkStep;
  /** The index of the request last sent (the plan's request, or the flow's HTTP step). */
  readonly request: number;
  /** The size of the request last sent, bytes. */
  readonly bytes: number;
  /** The length of the pause `next` asked for, ms. */
  readonly pauseMs: number;
  /** Whether the iteration has sent or paused since it began: an iteration that did neither must not loop at once. */
  readonly didSomething: boolean;
  /** The answer to the request last sent; `latencyMs` includes the lateness of a paced first request. */
  answered(statusCode: number, bytes: number, latencyMs: number): void;
  /** The request last sent got no answer (a connection error, a timeout, the server closing). */
  failed(): void;
}

export interface GatedConnectionOptions {
  pacer: Pacer;
  /** The scenario's end (gracefulStop): the iteration in progress goes on to its end, no new one starts. */
  ending(): boolean;
  /** `request` is the walk's index of the request answered. */
  onResponse(request: number, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void;
  onError(request: number, kind: ErrorKind): void;
}

/**
 * - connecting: taken over, nothing sent yet;
 * - running: an iteration in progress, a request in flight (or being walked to);
 * - thinking: an iteration in progress, parked for a pause (a think step);
 * - waiting: between iterations, parked until the pacer starts the next;
 * - exhausted: the walk may start no more iterations (a feeder ran out);
 * - ended: the scenario ended, or the client is done.
 */
type State = 'connecting' | 'running' | 'thinking' | 'waiting' | 'exhausted' | 'ended';

/** An iteration that sent nothing and did not pause ends this much later, so that a closed model cannot spin. */
const EMPTY_ITERATION_PAUSE_MS = 1;

/** No request in flight. */
const NONE = -1;

/**
 * One autocannon client driven iteration by iteration: the takeover of a paced or flow connection, written once.
 *
 * Transitions (autocannon's `ready` is its call for a send: on connect, after every response, on a reconnect):
 *
 * | from        | on                                   | to                                      |
 * |-------------|--------------------------------------|-----------------------------------------|
 * | connecting  | ready                                | iteration end ↓                         |
 * | running     | ready (answered or failed)           | running: the walk goes on (advance)     |
 * | running     | walk pauses                          | thinking                                |
 * | thinking    | the pause's timer                    | running (advance)                       |
 * | running     | walk ends the iteration              | iteration end ↓                         |
 * | waiting     | pacer's startIteration               | running                                 |
 * | (any)       | client done                          | ended                                   |
 * | iteration end: ending → ended; walk stopped → exhausted; pacer not ready → waiting; walk cannot begin → exhausted; else running |
 *
 * `ready` in waiting, thinking, exhausted or ended (a reconnect while parked) sends nothing: nothing was lost.
 *
 * Errors are attributed by the event order autocannon guarantees (load/autocannon/adapter.ts): a connection error
 * comes while the request is still in flight; a timeout comes after the reconnect's `ready`, which moved the request
 * to `ended`. Latency is autocannon's (write to parsed response) plus, for a paced iteration's first request, how
 * late it was sent after it was due, so that a slow target cannot hide its delays (coordinated omission).
 */
export class GatedConnection implements Connection, EndingConnection {
  private state: State = 'connecting';
  /** The walk's request in flight; NONE when none. */
  private inFlightRequest = NONE;
  /** The request that was in flight at the last `ready` (it ended without an answer); NONE when none. */
  private endedRequest = NONE;
  private sentBytes = 0;
  /** How late the iteration started after it was due (ms): added to its first request's latency. */
  private lateMs = 0;
  private sentLateMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly slot: number,
    private readonly client: AutocannonClient,
    private readonly walk: IterationWalk,
    private readonly options: GatedConnectionOptions,
  ) {
    client.takeOver(() => this.ready());
    client.onResponse((statusCode, bytes, durationMs) => this.answered(statusCode, bytes, durationMs));
    client.onConnectionError((error) => {
      if (this.inFlightRequest !== NONE) options.onError(this.inFlightRequest, errorKind(error));
    });
    client.onTimeout(() => {
      if (this.endedRequest !== NONE) options.onError(this.endedRequest, 'timeout');
      this.endedRequest = NONE;
    });
    client.onDone(() => {
      clearTimeout(this.timer);
      this.state = 'ended';
    });
  }

  // Connection (the pacer's view)

  get waiting(): boolean {
    return this.state === 'waiting';
  }

  startIteration(dueAt?: number): boolean {
    if (this.state !== 'waiting' || this.client.destroyed || this.options.ending()) return false;
    if (!this.walk.begin()) {
      this.state = 'exhausted';
      return false;
    }
    // Read the clock only for a due instant: the closed models' hot path never does.
    this.lateMs = dueAt === undefined ? 0 : Math.max(0, performance.now() - dueAt);
    this.state = 'running';
    this.advance();
    return true;
  }

  // EndingConnection (the generator's end)

  get inFlight(): number | undefined {
    return this.inFlightRequest === NONE ? undefined : this.inFlightRequest;
  }

  get busy(): boolean {
    return this.state === 'running' || this.state === 'thinking';
  }

  close(): void {
    this.client.destroy();
  }

  // Transitions

  /** autocannon's call for a send. */
  private ready(): void {
    const ended = this.inFlightRequest;
    this.endedRequest = ended;
    this.inFlightRequest = NONE;
    if (this.client.destroyed) return;
    // The request got no answer: to the walk, a failed response.
    if (ended !== NONE) this.walk.failed();
    if (this.state === 'running') this.advance();
    else if (this.state === 'connecting' && this.nextIteration()) this.advance();
  }

  private answered(statusCode: number, bytes: number, durationMs: number): void {
    const request = this.inFlightRequest;
    if (request === NONE) return;
    this.inFlightRequest = NONE;
    const latencyMs = durationMs + this.sentLateMs;
    this.options.onResponse(request, statusCode, bytes, this.sentBytes, latencyMs * 1000);
    this.walk.answered(statusCode, bytes, latencyMs);
  }

  /** The iteration has ended (or the connection connected): whether the next starts now. True when it has. */
  private nextIteration(): boolean {
    if (this.options.ending()) this.state = 'ended';
    else if (this.walk.stopped) this.state = 'exhausted';
    else if (!this.options.pacer.ready(this)) this.state = 'waiting';
    else if (!this.walk.begin()) this.state = 'exhausted';
    else {
      this.lateMs = 0;
      this.state = 'running';
      return true;
    }
    return false;
  }

  /** Walks the iteration to its next request (sent), pause (parked) or end. */
  private advance(): void {
    for (;;) {
      if (this.client.destroyed) {
        this.state = 'ended';
        return;
      }
      // Set before the send: the walk's send is autocannon's write, which reads nothing of this.
      this.sentLateMs = this.lateMs;
      const step = this.walk.next();
      if (step === 'sent') {
        this.lateMs = 0;
        this.inFlightRequest = this.walk.request;
        this.sentBytes = this.walk.bytes;
        return;
      }
      if (step === 'pause') {
        this.pause(this.walk.pauseMs, () => this.advance());
        return;
      }
      if (!this.walk.didSomething) {
        this.pause(EMPTY_ITERATION_PAUSE_MS, () => {
          if (this.nextIteration()) this.advance();
        });
        return;
      }
      if (!this.nextIteration()) return;
    }
  }

  private pause(ms: number, then: () => void): void {
    this.state = 'thinking';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.client.destroyed) {
        this.state = 'ended';
        return;
      }
      this.state = 'running';
      then();
    }, ms);
  }
}
