import { decodeWindowBase64, errorTotal } from '@loadtest/metrics';
import type { RunWindow } from '@loadtest/protocol';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** What the gauges read at each scrape. */
export interface WorkerMetricSources {
  /** Windows published and not yet confirmed by the broker. */
  unconfirmedWindows(): number;
  /** Shares (and parts of lost workers' shares) running now. */
  activeShares(): number;
}

/**
 * A worker's Prometheus metrics (prom-client): the process's own (event-loop lag included), the requests it
 * measured, the VUs (connections) in progress in its last window, its windows waiting for the broker's confirm, and
 * its shares running.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly errors: Counter;
  private readonly vus: Gauge;

  constructor(sources: WorkerMetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'loadtest_worker_requests_total', help: 'Responses measured (rate() gives requests per second)', registers });
    this.errors = new Counter({
      name: 'loadtest_worker_errors_total',
      help: 'Requests that failed (timeouts, refused, reset, interrupted, blocked…)',
      registers,
    });
    this.vus = new Gauge({ name: 'loadtest_worker_vus', help: 'VUs (open connections) in progress in the last window published', registers });
    new Gauge({
      name: 'loadtest_worker_windows_unconfirmed',
      help: 'Windows published and not yet confirmed by the broker',
      registers,
      collect() {
        this.set(sources.unconfirmedWindows());
      },
    });
    new Gauge({
      name: 'loadtest_worker_shares_active',
      help: 'Shares running now',
      registers,
      collect() {
        this.set(sources.activeShares());
      },
    });
  }

  /** Counts a published window's measurements (decoded once more: one small window a second per share). */
  windowPublished(window: RunWindow): void {
    const decoded = decodeWindowBase64(window.data);
    for (const step of decoded.steps.values()) {
      this.requests.inc(step.requests);
      this.errors.inc(errorTotal(step.errors));
    }
    if (decoded.vus !== undefined) this.vus.set(decoded.vus);
  }
}
