import type { AutocannonClient } from '../load/autocannon/adapter.js';
import type { IterationWalk, WalkStep } from '../load/gated-connection.js';
import { FlowResponse, requestBytes, UnsendableRequest, type CompiledHttp, type RequestTarget, type VirtualUser } from '@loadtest/plan/flow';

export interface FlowWalkOptions {
  target: RequestTarget;
  /** The run's request timeout, for steps without their own. */
  timeoutMs: number;
  /** A step that could not be sent (`other`). */
  onError(step: number, kind: 'other' | 'blocked'): void;
}

/** Responses that never carry a body, whatever their headers say. */
function bodyless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * A virtual user's iterations on one connection (see ./index.ts for the mechanism): each `next` walks the flow to
 * its next HTTP step, renders the request and sends it with the step's timeout, or pauses for a think step. The
 * answer's headers and (for steps that read it) body are collected for the step's extractions and checks; body
 * bytes are only counted otherwise.
 */
export class FlowWalk implements IterationWalk {
  request = 0;
  bytes = 0;
  pauseMs = 0;
  didSomething = false;
  /** The step last sent. */
  private step: CompiledHttp | undefined;
  private bodyBytes = 0;
  private chunks: Buffer[] | undefined;
  private rawHeaders: readonly string[] = [];

  constructor(
    private readonly client: AutocannonClient,
    private readonly vu: VirtualUser,
    private readonly options: FlowWalkOptions,
  ) {
    client.useOwnRequests();
    client.onBody((chunk) => {
      this.bodyBytes += chunk.length;
      this.chunks?.push(chunk);
    });
    client.onHeaders((_status, rawHeaders) => {
      this.rawHeaders = rawHeaders;
    });
    // No body to wait for after a HEAD, a 204 or a 304.
    client.skipBodyWhen((status) => bodyless(this.step?.method, status));
  }

  get stopped(): boolean {
    return this.vu.stopped;
  }

  begin(): boolean {
    this.didSomething = false;
    return this.vu.beginIteration();
  }

  next(): WalkStep {
    for (;;) {
      const action = this.vu.next();
      if (action.kind === 'think') {
        this.didSomething = true;
        this.pauseMs = action.ms;
        return 'pause';
      }
      if (action.kind === 'end') return 'end';
      const step = action.step;
      let bytes: Buffer;
      try {
        bytes = requestBytes(step, this.vu.scope.lookup, this.options.target);
      } catch (error) {
        // Not sent: its URL is on another server than the checked, pinned target (`blocked`), or is not a URL
        // (`other`). The step fails, the flow goes on.
        if (!(error instanceof UnsendableRequest) && !(error instanceof TypeError)) throw error;
        const kind = error instanceof UnsendableRequest ? 'blocked' : 'other';
        this.vu.tracer?.unsendable(step, (error as Error).message, kind);
        this.options.onError(step.index, kind);
        this.vu.complete(FlowResponse.failed());
        continue;
      }
      this.step = step;
      this.request = step.index;
      this.bytes = bytes.length;
      this.bodyBytes = 0;
      // A trial shows every body; a run keeps only those its extractions and checks read.
      this.chunks = step.needsBody || this.vu.tracer ? [] : undefined;
      this.rawHeaders = [];
      this.didSomething = true;
      this.vu.tracer?.sent(step, bytes);
      this.client.send(bytes, step.timeoutMs ?? this.options.timeoutMs);
      return 'sent';
    }
  }

  answered(statusCode: number, _bytes: number, latencyMs: number): void {
    this.vu.complete(new FlowResponse(statusCode, latencyMs, this.bodyBytes, this.chunks, this.rawHeaders));
    this.chunks = undefined;
  }

  failed(): void {
    // To the flow, a request that got no answer is a failed response.
    this.vu.complete(FlowResponse.failed());
  }
}
