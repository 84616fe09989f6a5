import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArrivalLog, epochClock, type ArrivalSecond } from './arrival-log.js';

/** What the target has served, for checking that a run's figures add up. */
export interface TargetStats {
  /** Requests answered, excluding the `/__stats` endpoints themselves. */
  served: number;
  byRoute: Record<string, number>;
  /** 401 answers: a login with a wrong password, or `/protected` without a token the target issued. */
  unauthorized: number;
  /**
   * How many requests named each row, counted as they arrive: the `:id` of
   * `GET /rows/:id`, and on any other route a `?row=` query or an `x-row` header
   * (so that a test can check that each row of a data set was used at most once).
   */
  rows: Record<string, number>;
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
  /**
   * Stalls the server for `ms` (1..60000) milliseconds, as a GC pause or a lock would
   * (also at `POST /__pause?ms=<ms>`): every response that would be written before the
   * pause ends, to requests in flight or arriving meanwhile, is held and written when it
   * ends. Arrivals are still recorded as they come; responses due later are unaffected;
   * `/__stats` and `/__pause` are never held. A pause already lasting longer is not shortened.
   * Returns the epoch millisecond at which the pause ends; throws a RangeError for a bad `ms`.
   */
  pause(ms: number): number;
  close(): Promise<void>;
}

const MAX_DELAY_MS = 60_000;
/** The password `POST /login` accepts, for any user. */
export const TARGET_PASSWORD = 'secret';
/** Tokens kept for `/protected`; past this many the oldest are forgotten. */
const MAX_TOKENS = 1_000_000;
const MAX_PAUSE_MS = 60_000;
const PAUSE_MS_MESSAGE = `ms must be a whole number of milliseconds from 1 to ${MAX_PAUSE_MS}`;

/** A server-wide stall: {@link Stall.gate} holds a response until the stall ends. */
class Stall {
  private until = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiting: (() => void)[] = [];

  constructor(private readonly now: () => number) {}

  /** Stalls until `ms` from now, unless already stalled for longer; returns the end, in whole epoch ms. */
  start(ms: number): number {
    this.until = Math.max(this.until, this.now() + ms);
    this.schedule();
    return Math.round(this.until);
  }

  /** Resolves at once outside a stall, else when it ends, together with every response held by it. */
  gate(): Promise<void> {
    if (this.now() >= this.until) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Ends any stall now, releasing what it holds (for close). */
  cancel(): void {
    this.until = 0;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.until - this.now();
    if (left > 0) {
      // A timer may fire a fraction of a millisecond early by this clock: check again then.
      this.timer = setTimeout(() => this.schedule(), Math.ceil(left));
      this.timer.unref();
      return;
    }
    const release = this.waiting;
    this.waiting = [];
    for (const resolve of release) resolve();
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `{user, password}` of a login, as JSON or a form; undefined when the body is neither. */
function credentials(req: IncomingMessage, body: Buffer): { user: unknown; password: unknown } | undefined {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body.toString('utf8'));
    return { user: form.get('user'), password: form.get('password') };
  }
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (json === null || typeof json !== 'object') return undefined;
    const { user, password } = json as Record<string, unknown>;
    return { user, password };
  } catch {
    return undefined;
  }
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
  let unauthorized = 0;
  let rows: Record<string, number> = {};
  const tokens = new Set<string>();
  let startedAt = new Date().toISOString();
  const now = epochClock();
  const log = new ArrivalLog(now);
  const stall = new Stall(now);
  const count = (route: string) => {
    served += 1;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  };
  const countRow = (row: string) => {
    rows[row] = (rows[row] ?? 0) + 1;
  };
  const resetCounts = () => {
    served = 0;
    byRoute = {};
    unauthorized = 0;
    rows = {};
    log.clear();
  };
  const stats = (): TargetStats => ({ served, byRoute: { ...byRoute }, unauthorized, rows: { ...rows }, startedAt });
  /** Writes a response once any stall is over, and counts it then: that is a request served. */
  const reply = async (res: ServerResponse, route: string, status: number, body: string, contentType?: string): Promise<void> => {
    await stall.gate();
    count(route);
    send(res, status, body, contentType);
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
      if (method === 'GET') return send(res, 200, JSON.stringify(stats()), 'application/json');
      if (method === 'DELETE') {
        resetCounts();
        startedAt = new Date().toISOString();
        return send(res, 204, '');
      }
      return send(res, 405, 'method not allowed');
    }

    if (path === '/__pause') {
      if (method !== 'POST') return send(res, 405, 'method not allowed');
      const ms = url.searchParams.get('ms') ?? '';
      if (!/^\d+$/.test(ms) || Number(ms) < 1 || Number(ms) > MAX_PAUSE_MS) return send(res, 400, PAUSE_MS_MESSAGE);
      return send(res, 200, JSON.stringify({ pausedUntil: stall.start(Number(ms)) }), 'application/json');
    }

    // Count when the response is written out (after any stall): that is a request served.
    const rowId = /^\/rows\/([^/]+)$/.exec(path);
    const row = rowId ? decodeURIComponent(rowId[1]!) : (url.searchParams.get('row') ?? req.headers['x-row']);
    if (typeof row === 'string') countRow(row);
    if (method === 'GET' && path === '/') return reply(res, 'GET /', 200, 'ok');
    if (method === 'GET' && rowId) return reply(res, 'GET /rows/:id', 200, JSON.stringify({ row }), 'application/json');
    if (method === 'POST' && path === '/login') {
      const login = credentials(req, await readBody(req));
      if (!login || typeof login.user !== 'string' || login.user === '') return reply(res, 'POST /login', 400, 'give user and password, as JSON or a form');
      if (login.password !== TARGET_PASSWORD) {
        unauthorized += 1;
        return reply(res, 'POST /login', 401, JSON.stringify({ error: 'wrong password' }), 'application/json');
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      if (tokens.size > MAX_TOKENS) tokens.delete(tokens.values().next().value!);
      return reply(res, 'POST /login', 200, JSON.stringify({ token }), 'application/json');
    }
    if (method === 'GET' && path === '/protected') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!bearer || !tokens.has(bearer[1]!)) {
        unauthorized += 1;
        return reply(res, 'GET /protected', 401, JSON.stringify({ error: 'unauthorized' }), 'application/json');
      }
      return reply(res, 'GET /protected', 200, JSON.stringify({ ok: true }), 'application/json');
    }
    if ((method === 'POST' || method === 'PUT') && path === '/echo') {
      const body = await readBody(req);
      await stall.gate();
      count(`${method} /echo`);
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(body);
      return;
    }
    const item = /^\/items\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && item) return reply(res, 'DELETE /items/:id', 200, JSON.stringify({ deleted: decodeURIComponent(item[1]!) }), 'application/json');
    const delay = /^\/delay\/(\d+)$/.exec(path);
    if (method === 'GET' && delay) {
      const ms = Math.min(Number(delay[1]), MAX_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return reply(res, 'GET /delay/:ms', 200, `delayed ${ms} ms`);
    }
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (method === 'GET' && status) {
      const code = Number(status[1]);
      if (code < 200 || code > 599) return reply(res, 'GET /status/:code', 400, 'status must be from 200 to 599');
      return reply(res, 'GET /status/:code', code, `status ${code}`);
    }
    return reply(res, 'not found', 404, 'not found');
  };

  const server = http.createServer((req, res) => {
    // `/__stats` and `/__pause` observe and control the target: they are not part of the load.
    const counted = !(req.url ?? '').startsWith('/__stats') && !(req.url ?? '').startsWith('/__pause');
    if (counted) {
      log.requestStarted();
      res.once('close', () => log.requestEnded());
    }
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else void stall.gate().then(() => send(res, 500, 'target error'));
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
    stats,
    arrivals: (fromSecond) => log.list(fromSecond),
    resetStats: resetCounts,
    pause: (ms) => {
      if (!Number.isInteger(ms) || ms < 1 || ms > MAX_PAUSE_MS) throw new RangeError(PAUSE_MS_MESSAGE);
      return stall.start(ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        stall.cancel();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
