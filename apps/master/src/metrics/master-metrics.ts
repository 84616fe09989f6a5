import { RUN_STATES, WORKER_STATES, type WorkerState } from '@loadtest/protocol';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the gauges read their values at each scrape (nothing is kept twice). */
export interface MetricSources {
  workerStates(): readonly WorkerState[];
  /** Runs per state, from the database. */
  runsByState(): Promise<Partial<Record<string, number>>>;
  liveClients(): number;
}

/**
 * The master's Prometheus metrics (prom-client): the process's own (CPU, memory, event-loop lag, GC), workers and
 * runs by state, windows ingested, the window-to-socket lag, broker reconnects, connected live clients, and HTTP
 * request durations by route.
 */
export class MasterMetrics {
  readonly registry = new Registry();
  readonly windowsIngested: Counter;
  readonly brokerReconnects: Counter;
  /** From the end of a second to its merged window's sending to the live clients. */
  readonly liveLag: Histogram;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'loadtest_workers',
      help: 'Workers the master knows, by state',
      labelNames: ['state'],
      registers,
      collect() {
        const states = sources.workerStates();
        for (const state of WORKER_STATES) this.set({ state }, states.filter((s) => s === state).length);
      },
    });
    new Gauge({
      name: 'loadtest_runs',
      help: 'Runs stored, by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await sources.runsByState();
        for (const state of RUN_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'loadtest_live_clients',
      help: 'Connected Socket.IO clients (dashboards, CLIs following a run)',
      registers,
      collect() {
        this.set(sources.liveClients());
      },
    });
    this.windowsIngested = new Counter({ name: 'loadtest_windows_ingested_total', help: 'Windows received from workers', registers });
    this.brokerReconnects = new Counter({ name: 'loadtest_broker_reconnects_total', help: 'Times the broker connection came back after a loss', registers });
    this.liveLag = new Histogram({
      name: 'loadtest_live_lag_seconds',
      help: "From the end of a run's second to its merged window going out to the live clients",
      buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'loadtest_http_request_duration_seconds',
      help: 'HTTP request durations, by method, route (its pattern, not the path) and status class',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  /** Times every answer by its route's pattern (`/api/v1/runs/:id`), so that ids do not multiply the series. */
  observeRequests(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe({ method: request.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
    });
  }
}
