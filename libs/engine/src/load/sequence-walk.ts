import type { AutocannonClient } from './autocannon/adapter.js';
import type { IterationWalk, WalkStep } from './gated-connection.js';

/**
 * A paced connection's iteration on autocannon's own request sequence (the plan's requests, built once by
 * autocannon): each iteration sends them all in order, each after the previous one's answer (or failure).
 */
export class SequenceWalk implements IterationWalk {
  readonly stopped = false;
  readonly pauseMs = 0;
  request = 0;
  bytes = 0;
  /** Requests sent in this iteration. */
  private sent = 0;

  constructor(
    private readonly client: AutocannonClient,
    /** The sequence's length (≥ 1). */
    private readonly length: number,
  ) {}

  get didSomething(): boolean {
    return this.sent > 0;
  }

  begin(): boolean {
    this.sent = 0;
    return true;
  }

  next(): WalkStep {
    if (this.sent >= this.length) return 'end';
    this.sent += 1;
    // autocannon's iterator goes round the sequence: a whole iteration each time, so it stays at the right request.
    this.client.sendOwn();
    this.request = this.client.ownRequestIndex;
    this.bytes = this.client.ownRequestBytes;
    return 'sent';
  }

  answered(): void {
    // A static request's answer changes nothing in the sequence: the next request is the next in it.
  }

  failed(): void {
    // Nor does a failure: the sequence goes on with its next request, as autocannon's own would.
  }
}
