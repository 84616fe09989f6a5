import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export interface SecurityOptions {
  /** Origins allowed cross-origin access (exact `scheme://host[:port]`); none by default: the dashboard is served by the master itself. */
  corsOrigins: string[];
  /** Writes (POST, PUT, PATCH, DELETE under /api/v1) per minute per client IP; 0 turns the limit off (tests only). */
  writeRateLimitPerMinute: number;
  /** Login attempts (password or one-time link) per minute per client IP, counted apart from the writes; never off. */
  loginRateLimitPerMinute: number;
}

export const DEFAULT_SECURITY: SecurityOptions = { corsOrigins: [], writeRateLimitPerMinute: 600, loginRateLimitPerMinute: 10 };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isApiWrite = (request: FastifyRequest) => WRITE_METHODS.has(request.method) && /^\/api\/v1(\/|$|\?)/.test(request.url);

/**
 * The dashboard (Vite-built React) loads only its own scripts; React Flow, uPlot and CodeMirror set inline
 * styles, and the Swagger UI at /api/docs loads its own files: so `'unsafe-inline'` for styles only. The live
 * views connect back to the same origin (Socket.IO, raw WebSocket streams), which `'self'` covers.
 * `upgrade-insecure-requests` is left out: the master is often reached over plain HTTP on a private network,
 * where it would send the browser to an https:// that does not answer.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    workerSrc: ["'self'", 'blob:'],
  },
};

/**
 * Security headers on every answer, cross-origin access only for the configured origins, and a limit on the
 * API's writes per client. The limiter is registered even with the write limit off: the login routes set their
 * own, stricter limit on it (auth-routes.ts).
 */
export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  // HSTS belongs to whoever terminates TLS in front of the master (it would bind every subdomain too).
  await app.register(helmet, { contentSecurityPolicy: CONTENT_SECURITY_POLICY, hsts: false });
  const allowed = new Set(options.corsOrigins);
  // `origin: false` would turn CORS off altogether; a function answers each origin: no header for one not listed.
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  });
  const max = options.writeRateLimitPerMinute;
  await app.register(rateLimit, {
    max: Math.max(1, max),
    timeWindow: 60_000,
    // Reads, the dashboard and the live streams are not limited: only the API's writes.
    allowList: (request) => max === 0 || !isApiWrite(request),
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, `too many writes: the limit is ${max} per minute per client (LOADTEST_WRITE_RATE_LIMIT); retry in ${context.after}`),
  });
}
