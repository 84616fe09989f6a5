import { performance } from 'node:perf_hooks';

/** One connection of a generator, as the end of its scenario sees it. */
export interface EndingConnection {
  /** The index of the request written and not answered yet (the plan's request, or the flow's HTTP step); undefined when none is. */
  readonly inFlight: number | undefined;
  /** True while an iteration is in progress: a request in flight, or a flow between two steps (a pause). */
  readonly busy: boolean;
  /** Closes the connection at once: nothing more is sent, and nothing more of it is recorded. */
  close(): void;
}

/** How often a draining generator looks whether its iterations in progress have ended. */
const DRAIN_POLL_MS = 10;

/**
 * The end of a scenario on one generator (k6's gracefulStop). While `open`,
 * connections start iterations as the pacer says. At the scenario's end
 * (`drain`), no new iteration starts; iterations in progress go on, for up to
 * the grace, and are counted as usual; what is still in flight after it is
 * counted as `interrupted` and its connection closed. A stop (`interrupt`)
 * does not wait: what is in flight is counted as `interrupted` at once.
 *
 * Closing a connection destroys it (autocannon emits nothing more for a
 * destroyed client), so a request counted as interrupted is never counted
 * again as answered or failed.
 */
export class EndGate {
  private readonly connections: EndingConnection[] = [];
  private state: 'open' | 'draining' | 'closed' = 'open';
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly onInterrupted: (request: number) => void) {}

  /** No new iteration may start: the scenario has ended (draining) or was stopped (closed). */
  get ending(): boolean {
    return this.state !== 'open';
  }

  /** Connections with an iteration in progress now (VUs in progress); none once closed. */
  get busyCount(): number {
    if (this.state === 'closed') return 0;
    let busy = 0;
    for (const connection of this.connections) if (connection.busy) busy++;
    return busy;
  }

  add(connection: EndingConnection): void {
    this.connections.push(connection);
    if (this.state === 'closed') this.closeOne(connection);
  }

  /**
   * Lets the iterations in progress end, for up to `graceMs`; then counts what
   * is still in flight as interrupted and closes every connection. Resolves
   * once closed (at once when nothing is in progress); an `interrupt()`
   * meanwhile ends the wait.
   */
  drain(graceMs: number): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    this.state = 'draining';
    return new Promise((resolve) => {
      const deadline = performance.now() + graceMs;
      this.wake = resolve;
      const look = () => {
        if (this.state === 'closed') return;
        if (performance.now() < deadline && this.connections.some((c) => c.busy)) {
          this.timer = setTimeout(look, Math.min(DRAIN_POLL_MS, Math.max(0, deadline - performance.now())));
          return;
        }
        this.interrupt();
      };
      look();
    });
  }

  /** Counts every request in flight as interrupted and closes every connection, at once. Returns how many were interrupted. */
  interrupt(): number {
    if (this.state === 'closed') return 0;
    this.state = 'closed';
    clearTimeout(this.timer);
    let interrupted = 0;
    for (const connection of this.connections) if (this.closeOne(connection)) interrupted += 1;
    this.wake?.();
    this.wake = undefined;
    return interrupted;
  }

  private closeOne(connection: EndingConnection): boolean {
    const request = connection.inFlight;
    connection.close();
    if (request === undefined) return false;
    this.onInterrupted(request);
    return true;
  }
}
