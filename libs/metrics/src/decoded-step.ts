import type { CheckCounts, ErrorCounts, StatusCounts } from '@loadtest/protocol';
import { countsFromBuckets, type LatencyBuckets } from './counts.js';
import { histogramFromCounts, type Histogram } from './histogram.js';
import type { StepMetrics } from './window.js';

/** A decoded step's status codes and latencies as received, which merging reads directly. */
export interface ReceivedCounts {
  /** `[code, count, code, count…]`, codes ascending. */
  statusCodes: number[];
  latencyBuckets: LatencyBuckets;
}

export type StepCounters = Omit<StepMetrics, 'latency' | 'statusCodes' | 'received'>;

/**
 * A decoded step keeps its status codes and latency buckets as received; merging reads them directly. The
 * `statusCodes` record and the latency histogram are built on first use and kept: a record keyed by status codes
 * holds them as array elements up to the highest code (some 5 KB for a 5xx), and a histogram is 188 KB, which at a
 * thousand windows a second was most of what the master allocated.
 *
 * A class, its two lazy members getters on the prototype: an object literal with its own getters cost two closures
 * and a slow-to-build shape per step. So `statusCodes` and `latency` are not own properties: a copy by spread, or
 * `JSON.stringify`, leaves them out (read them by name).
 */
class DecodedStep implements StepMetrics {
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly errors: ErrorCounts;
  readonly checks: CheckCounts;
  readonly received: ReceivedCounts;
  #statusCodes: StatusCounts | undefined;
  #latency: Histogram | undefined;

  constructor(counters: StepCounters, received: ReceivedCounts) {
    this.requests = counters.requests;
    this.bytesIn = counters.bytesIn;
    this.bytesOut = counters.bytesOut;
    this.errors = counters.errors;
    this.checks = counters.checks;
    this.received = received;
  }

  get statusCodes(): StatusCounts {
    if (!this.#statusCodes) {
      const record: StatusCounts = {};
      const pairs = this.received.statusCodes;
      for (let i = 0; i < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1]!;
      this.#statusCodes = record;
    }
    return this.#statusCodes;
  }

  get latency(): Histogram {
    this.#latency ??= histogramFromCounts(countsFromBuckets(this.received.latencyBuckets));
    return this.#latency;
  }
}

export function decodedStep(counters: StepCounters, received: ReceivedCounts): StepMetrics {
  return new DecodedStep(counters, received);
}
