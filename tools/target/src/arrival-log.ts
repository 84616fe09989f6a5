/** What the target saw in one second of wall-clock time. */
export interface ArrivalSecond {
  /** Epoch second. */
  second: number;
  /** Requests that arrived in this second. */
  arrivals: number;
  /** Arrivals in each tenth of the second, to see how smooth a rate is within the second. */
  slices: number[];
  /** Most open TCP connections at once during this second. */
  peakConnections: number;
  /** Most requests being handled at once during this second. */
  peakInFlight: number;
}

/** Seconds kept: enough for any test run, bounded so a long demo cannot grow it without end. */
const KEPT_SECONDS = 3600;

/**
 * Per-second arrivals and concurrency, so that a test can check the shape
 * of the load a run really produced (a ramp, a rate, its smoothness).
 */
export class ArrivalLog {
  private readonly seconds = new Map<number, ArrivalSecond>();
  private connections = 0;
  private inFlight = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private current(): ArrivalSecond {
    const ms = this.now();
    const second = Math.floor(ms / 1000);
    let entry = this.seconds.get(second);
    if (!entry) {
      entry = { second, arrivals: 0, slices: Array.from({ length: 10 }, () => 0), peakConnections: this.connections, peakInFlight: this.inFlight };
      this.seconds.set(second, entry);
      if (this.seconds.size > KEPT_SECONDS) this.seconds.delete(this.seconds.keys().next().value!);
    }
    return entry;
  }

  requestStarted(): void {
    const entry = this.current();
    entry.arrivals += 1;
    entry.slices[Math.floor((this.now() % 1000) / 100)]! += 1;
    this.inFlight += 1;
    entry.peakInFlight = Math.max(entry.peakInFlight, this.inFlight);
  }

  requestEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  connectionOpened(): void {
    this.connections += 1;
    const entry = this.current();
    entry.peakConnections = Math.max(entry.peakConnections, this.connections);
  }

  connectionClosed(): void {
    this.connections = Math.max(0, this.connections - 1);
  }

  list(fromSecond = 0): ArrivalSecond[] {
    return [...this.seconds.values()].filter((s) => s.second >= fromSecond).sort((a, b) => a.second - b.second);
  }

  clear(): void {
    this.seconds.clear();
  }
}
