import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArrivalLog, type ArrivalSecond } from './arrival-log.js';

/** What the target has served, for checking that a run's figures add up. */
export interface TargetStats {
  /** Requests answered, excluding the `/__stats` endpoints themselves. */
  served: number;
  byRoute: Record<string, number>;
  startedAt: string;
}

export interface TargetServer {
  readonly server: Server;
  /** Arrivals and concurrency per second (also at `GET /__stats/arrivals?from=<epoch second>`). */
  arrivals(fromSecond?: number): ArrivalSecond[];
  readonly port: number;
  readonly url: string;
  stats(): TargetStats;
  resetStats(): void;
  close(): Promise<void>;
}

const MAX_DELAY_MS = 60_000;

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A small HTTP server for tests and demos. It counts every request it serves,
 * so that a test can compare what a run reports with what the target saw.
 */
export async function startTarget(options: { port?: number; host?: string } = {}): Promise<TargetServer> {
  let served = 0;
  let byRoute: Record<string, number> = {};
  let startedAt = new Date().toISOString();
  const log = new ArrivalLog();
  const count = (route: string) => {
    served += 1;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://target');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (path === '/__stats/arrivals' && method === 'GET') {
      const from = Number(url.searchParams.get('from') ?? 0);
      return send(res, 200, JSON.stringify({ seconds: log.list(Number.isFinite(from) ? from : 0) }), 'application/json');
    }
    if (path === '/__stats') {
      if (method === 'GET') return send(res, 200, JSON.stringify({ served, byRoute, startedAt } satisfies TargetStats), 'application/json');
      if (method === 'DELETE') {
        served = 0;
        byRoute = {};
        log.clear();
        startedAt = new Date().toISOString();
        return send(res, 204, '');
      }
      return send(res, 405, 'method not allowed');
    }

    // Count when the response has been written out: that is a request served.
    if (method === 'GET' && path === '/') {
      count('GET /');
      return send(res, 200, 'ok');
    }
    if ((method === 'POST' || method === 'PUT') && path === '/echo') {
      const body = await readBody(req);
      count(`${method} /echo`);
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(body);
      return;
    }
    const item = /^\/items\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && item) {
      count('DELETE /items/:id');
      return send(res, 200, JSON.stringify({ deleted: decodeURIComponent(item[1]!) }), 'application/json');
    }
    const delay = /^\/delay\/(\d+)$/.exec(path);
    if (method === 'GET' && delay) {
      const ms = Math.min(Number(delay[1]), MAX_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, ms));
      count('GET /delay/:ms');
      return send(res, 200, `delayed ${ms} ms`);
    }
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (method === 'GET' && status) {
      const code = Number(status[1]);
      if (code < 200 || code > 599) {
        count('GET /status/:code');
        return send(res, 400, 'status must be from 200 to 599');
      }
      count('GET /status/:code');
      return send(res, code, `status ${code}`);
    }
    count('not found');
    return send(res, 404, 'not found');
  };

  const server = http.createServer((req, res) => {
    const counted = !(req.url ?? '').startsWith('/__stats');
    if (counted) {
      log.requestStarted();
      res.once('close', () => log.requestEnded());
    }
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'target error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    log.connectionOpened();
    socket.once('close', () => log.connectionClosed());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ served, byRoute: { ...byRoute }, startedAt }),
    arrivals: (fromSecond) => log.list(fromSecond),
    resetStats: () => {
      served = 0;
      byRoute = {};
      log.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
