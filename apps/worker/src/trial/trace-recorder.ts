import { performance } from 'node:perf_hooks';
import {
  MAX_TRIAL_EVENTS,
  MAX_TRIAL_HEADERS,
  TRIAL_EXCERPT_BYTES,
  type ErrorKind,
  type TrialEvent,
  type TrialHeader,
  type TrialRequest,
  type TrialRequestEvent,
  type TrialTrace,
} from '@loadtest/protocol';
import type { CompiledHttp, FlowResponse, FlowTracer, TracedCheck, TracedExtraction } from '@loadtest/plan/flow';
import type { ShareTrace } from '@loadtest/engine';

const HEAD_END = Buffer.from('\r\n\r\n');

/** The first TRIAL_EXCERPT_BYTES bytes of a body as text, and whether there was more. */
function excerpt(body: Buffer): { bodyExcerpt: string; bodyTruncated: boolean; bodyBytes: number } {
  return { bodyExcerpt: body.subarray(0, TRIAL_EXCERPT_BYTES).toString('utf8'), bodyTruncated: body.length > TRIAL_EXCERPT_BYTES, bodyBytes: body.length };
}

function header(name: string, value: string): TrialHeader {
  return { name: name.slice(0, 1000), value: value.slice(0, TRIAL_EXCERPT_BYTES) };
}

/** Name, value, name, value… as parsed by the HTTP client, into pairs. */
function headerPairs(raw: readonly string[]): TrialHeader[] {
  const pairs: TrialHeader[] = [];
  for (let i = 0; i + 1 < raw.length && pairs.length < MAX_TRIAL_HEADERS; i += 2) pairs.push(header(raw[i]!, raw[i + 1]!));
  return pairs;
}

/** The request as it is written on the connection (renderRequest's HTTP/1.1 bytes), read back: what the target receives. */
export function parseRequestBytes(bytes: Buffer, origin: string): TrialRequest {
  const split = bytes.indexOf(HEAD_END);
  const head = (split < 0 ? bytes : bytes.subarray(0, split)).toString('utf8').split('\r\n');
  const body = split < 0 ? Buffer.alloc(0) : bytes.subarray(split + HEAD_END.length);
  const [method = '', path = ''] = head[0]!.split(' ');
  const headers: TrialHeader[] = [];
  for (const line of head.slice(1, 1 + MAX_TRIAL_HEADERS)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push(header(line.slice(0, colon), line.slice(colon + 1).trim()));
  }
  return { method: method.slice(0, 16), url: `${origin}${path}`.slice(0, 8192), headers, ...excerpt(body) };
}

/** What an error kind means for the one request of a trial. */
function errorMessage(kind: ErrorKind, timeoutMs: number, iterationSeconds: number): string {
  switch (kind) {
    case 'timeout':
      return `no answer within the request's timeout (${timeoutMs} ms)`;
    case 'refused':
      return 'the target refused the connection';
    case 'reset':
      return 'the connection was reset or closed before the answer';
    case 'interrupted':
      return `still unanswered when the iteration's ${iterationSeconds} s were up`;
    case 'other':
      return 'the request failed (a connection or protocol error)';
    case 'blocked':
      return 'not sent: its URL is not the target the worker checked';
  }
}

export interface TraceRecorderOptions {
  /** The plan's base URL: its origin is where every request goes. */
  baseUrl: string;
  /** The run's request timeout, for steps without their own, ms. */
  timeoutMs: number;
  iterationSeconds: number;
}

/**
 * Builds a trial's trace as the virtual user goes (FlowTracer) and as the
 * generator counts errors and drops (ShareTrace): one event per HTTP step
 * sent, think and `if`, in order, up to MAX_TRIAL_EVENTS.
 */
export class TraceRecorder implements FlowTracer, ShareTrace {
  readonly tracer: FlowTracer = this;
  private readonly events: TrialEvent[] = [];
  private eventsTruncated = false;
  private readonly origin: string;
  /** The request events by step index, latest last: the generator names a failed request by its step. */
  private readonly byStep = new Map<number, TrialRequestEvent>();
  /** Events whose error was said by the request's sender (unsendable), not inferred from the generator's kind. */
  private readonly explained = new Set<TrialRequestEvent>();
  private readonly timeouts = new Map<TrialRequestEvent, number>();
  private firstAt: number | undefined;
  private lastAt = 0;
  private droppedArrivals = 0;

  constructor(private readonly options: TraceRecorderOptions) {
    this.origin = new URL(options.baseUrl).origin;
  }

  /** Arrivals the generator dropped: the iteration did not start (no open connection to the target). */
  get dropped(): number {
    return this.droppedArrivals;
  }

  get started(): boolean {
    return this.firstAt !== undefined;
  }

  think(ms: number): void {
    this.push({ kind: 'think', ms }, ms);
  }

  branch(name: string | undefined, condition: string, taken: 'then' | 'else'): void {
    this.push({ kind: 'if', name: name?.slice(0, 200) ?? null, condition: condition.slice(0, 1000), taken });
  }

  sent(step: CompiledHttp, bytes: Buffer): void {
    const event = this.requestEvent(step, parseRequestBytes(bytes, this.origin));
    this.timeouts.set(event, step.timeoutMs ?? this.options.timeoutMs);
  }

  unsendable(step: CompiledHttp, reason: string, kind: 'blocked' | 'other'): void {
    const event = this.requestEvent(step, null);
    event.error = { kind, message: `not sent: ${reason}`.slice(0, 2000) };
    this.explained.add(event);
  }

  completed(step: CompiledHttp, response: FlowResponse, extracted: readonly TracedExtraction[], checks: readonly TracedCheck[]): void {
    this.touch();
    const event = this.byStep.get(step.index);
    if (!event) return;
    if (!response.failed) {
      event.response = {
        status: response.status,
        headers: headerPairs(response.rawHeaders),
        ...excerpt(response.body()),
        // The size counted as it came; the body kept is the same bytes.
        bodyBytes: response.size,
        latencyMs: Number.isFinite(response.latencyMs) ? Math.max(0, response.latencyMs) : 0,
      };
    } else if (!event.error) {
      // The generator names the kind (before this for a connection error, after it for a timeout).
      event.error = { kind: 'other', message: 'no answer' };
    }
    event.extracted = extracted.map((e) => ({ var: e.var, value: e.value?.slice(0, TRIAL_EXCERPT_BYTES) ?? null, defaulted: e.defaulted }));
    event.checks = checks.map((c) => ({ description: c.description.slice(0, 1000), passed: c.passed }));
  }

  onError(step: number, kind: ErrorKind): void {
    const event = this.byStep.get(step);
    if (!event || event.response || this.explained.has(event)) return;
    event.error = { kind, message: errorMessage(kind, this.timeouts.get(event) ?? this.options.timeoutMs, this.options.iterationSeconds) };
  }

  onDropped(count: number): void {
    this.droppedArrivals += count;
  }

  trace(failure: string | null): TrialTrace {
    return {
      events: this.events,
      eventsTruncated: this.eventsTruncated,
      failure: failure?.slice(0, 2000) ?? null,
      durationMs: this.firstAt === undefined ? 0 : Math.max(0, this.lastAt - this.firstAt),
    };
  }

  private requestEvent(step: CompiledHttp, request: TrialRequest | null): TrialRequestEvent {
    const event: TrialRequestEvent = {
      kind: 'request',
      step: step.index,
      name: step.name.slice(0, 200),
      request,
      response: null,
      error: null,
      extracted: [],
      checks: [],
    };
    this.byStep.set(step.index, event);
    this.push(event);
    return event;
  }

  private push(event: TrialEvent, lastsMs = 0): void {
    this.touch(lastsMs);
    if (this.events.length < MAX_TRIAL_EVENTS) this.events.push(event);
    else this.eventsTruncated = true;
  }

  private touch(lastsMs = 0): void {
    const now = performance.now();
    this.firstAt ??= now;
    this.lastAt = Math.max(this.lastAt, now + lastsMs);
  }
}
