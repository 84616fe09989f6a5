import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './worker-metrics.js';

export interface WorkerHttpOptions {
  host: string;
  port: number;
  metrics: WorkerMetrics;
  /** Ready: connected to the broker (a worker that cannot hear the master takes no share). */
  ready(): boolean;
}

export interface WorkerHttp {
  port: number;
  close(): Promise<void>;
}

/**
 * The worker's probes and metrics, on their own small HTTP server (WORKER_HTTP_PORT): `/healthz` (the process
 * answers), `/readyz` (503 while the broker is away) and `/metrics` (Prometheus). Nothing else: the worker has no
 * API, so node:http is enough; GET only.
 */
export async function startWorkerHttp(options: WorkerHttpOptions): Promise<WorkerHttp> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => response.writeHead(status, { 'content-type': type }).end(body);
    if (request.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz')
      return options.ready()
        ? send(200, 'application/json', '{"status":"ok"}')
        : send(503, 'application/json', '{"status":"unavailable","reason":"the broker connection is down"}');
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => send(200, options.metrics.registry.contentType, text),
        (error: unknown) => send(500, 'text/plain', `metrics failed: ${(error as Error).message}\n`),
      );
      return undefined;
    }
    return send(404, 'text/plain', 'not found: /healthz, /readyz, /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
