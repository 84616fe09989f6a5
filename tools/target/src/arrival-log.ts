import { performance } from 'node:perf_hooks';

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
  /**
   * Time-weighted mean of the requests in progress (arrived, response not yet
   * finished) during this second: the time each request spent in progress
   * within the second, summed, over 1000 ms. Counts requests that arrived in
   * an earlier second too. A second still in progress shows what it has so far.
   */
  meanInFlight: number;
}

/** Seconds kept: enough for any test run, bounded so a long demo cannot grow it without end. */
const KEPT_SECONDS = 3600;

/**
 * A monotonic, high-resolution clock in epoch milliseconds: `performance.now()`
 * anchored to `Date.now()` once, when the clock is made. Durations measured
 * with it do not jump when the wall clock is set, and its seconds are the
 * epoch seconds that clients see (to the millisecond the anchor is read at).
 */
export function epochClock(): () => number {
  const origin = Date.now() - performance.now();
  return () => origin + performance.now();
}

interface SecondState extends Omit<ArrivalSecond, 'meanInFlight'> {
  /** Request-milliseconds in progress within this second. */
  inFlightMs: number;
}

/**
 * Per-second arrivals and concurrency, so that a test can check the shape
 * of the load a run really produced (a ramp, a rate, its smoothness).
 */
export class ArrivalLog {
  private readonly seconds = new Map<number, SecondState>();
  private connections = 0;
  private inFlight = 0;
  /** Time up to which the in-flight time has been added to the seconds. */
  private accountedTo = Number.NEGATIVE_INFINITY;

  /** `now` gives epoch milliseconds (fractions welcome); by default a monotonic clock, see {@link epochClock}. */
  constructor(private readonly now: () => number = epochClock()) {}

  private entry(second: number): SecondState {
    let entry = this.seconds.get(second);
    if (!entry) {
      entry = {
        second,
        arrivals: 0,
        slices: Array.from({ length: 10 }, () => 0),
        peakConnections: this.connections,
        peakInFlight: this.inFlight,
        inFlightMs: 0,
      };
      this.seconds.set(second, entry);
      if (this.seconds.size > KEPT_SECONDS) this.seconds.delete(this.seconds.keys().next().value!);
    }
    return entry;
  }

  /**
   * Adds the time since the last change, at the current concurrency, to the
   * seconds it covers, creating those that had requests in progress (with
   * no arrivals). Called before every change of state, so that the state is
   * constant over the time added.
   */
  private advance(to: number): void {
    const from = this.accountedTo;
    if (to <= from) return;
    this.accountedTo = to;
    if (this.inFlight === 0) return;
    let start = Math.max(from, to - KEPT_SECONDS * 1000);
    while (start < to) {
      const second = Math.floor(start / 1000);
      const end = Math.min(to, (second + 1) * 1000);
      this.entry(second).inFlightMs += this.inFlight * (end - start);
      start = end;
    }
  }

  requestStarted(): void {
    const ms = this.now();
    this.advance(ms);
    const entry = this.entry(Math.floor(ms / 1000));
    entry.arrivals += 1;
    entry.slices[Math.floor((ms % 1000) / 100)]! += 1;
    this.inFlight += 1;
    entry.peakInFlight = Math.max(entry.peakInFlight, this.inFlight);
  }

  requestEnded(): void {
    this.advance(this.now());
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  connectionOpened(): void {
    const ms = this.now();
    this.advance(ms);
    this.connections += 1;
    const entry = this.entry(Math.floor(ms / 1000));
    entry.peakConnections = Math.max(entry.peakConnections, this.connections);
  }

  connectionClosed(): void {
    this.advance(this.now());
    this.connections = Math.max(0, this.connections - 1);
  }

  list(fromSecond = 0): ArrivalSecond[] {
    this.advance(this.now());
    return [...this.seconds.values()]
      .filter((s) => s.second >= fromSecond)
      .sort((a, b) => a.second - b.second)
      .map(({ inFlightMs, ...s }) => ({ ...s, slices: [...s.slices], meanInFlight: Math.round(inFlightMs) / 1000 }));
  }

  /** Forgets the seconds seen so far; requests still in progress count from now on. */
  clear(): void {
    this.advance(this.now());
    this.seconds.clear();
  }
}
