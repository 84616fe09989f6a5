import fastifyAuth from '@fastify/auth';
import bearerAuth from '@fastify/bearer-auth';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import { roleAllows, type Access } from '@loadtest/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.js';
import type { AuthStore } from './auth-store.js';
import type { RequestPrincipal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: `public`, or the least role (every /api/v1 route must say; see requireDeclaredAccess). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The authenticated caller; null on a public route called without credentials. */
    principal: RequestPrincipal | null;
  }
}

/** The dashboard's session cookie: httpOnly, SameSite=Strict, holding a secret of which only the SHA-256 is stored. */
export const SESSION_COOKIE = 'lt_session';
/** The CSRF secret's cookie (@fastify/csrf-protection); the token derived from it goes in `x-csrf-token`. */
export const CSRF_COOKIE = 'lt_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const API_PREFIX = '/api/v1';
/** The OpenAPI description and its UI are public: they describe the API, they do not use it. */
const OPEN_API_DOCS = '/api/docs';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const unauthorized = (message: string) => new HttpError(401, message);

/**
 * What a request asks of its caller: its route's `config.access`; an unknown path under /api/v1 asks for a viewer
 * (a 401 before its 404, so the API's routes are not probed anonymously); anything else (the dashboard's files,
 * /healthz, /readyz, the API docs) is public.
 */
function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config.access;
  if (declared !== undefined) return declared;
  const path = request.url.split('?')[0] ?? '';
  return path.startsWith(API_PREFIX) ? 'viewer' : 'public';
}

/** A route under /api/v1 registered without `config.access` fails the master's start: no route is open by omission. */
function requireDeclaredAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(OPEN_API_DOCS) || !route.url.startsWith(API_PREFIX)) return;
    if (route.config?.access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
  });
}

export interface AuthenticationOptions {
  store: AuthStore;
}

/**
 * Every request to a route that is not public must come with an API token (`Authorization: Bearer lt_…`) or the
 * dashboard's session cookie, and its caller must hold the route's role: 401 without valid credentials, 403 with
 * too small a role. A write made with the session cookie must also carry the CSRF token (`x-csrf-token`): a page
 * elsewhere cannot read it, so it cannot make the browser write on the user's behalf. Registered before any route.
 */
export async function registerAuthentication(app: FastifyInstance, { store }: AuthenticationOptions): Promise<void> {
  requireDeclaredAccess(app);
  await app.register(cookie);
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: 'auto' },
    getToken: (request) => request.headers[CSRF_HEADER] as string | undefined,
    logLevel: 'debug',
  });
  app.decorateRequest('principal', null);
  await app.register(bearerAuth, {
    keys: [],
    addHook: false,
    // `bearer` in any case (RFC 6749), as clients send it.
    specCompliance: 'rfc6749',
    verifyErrorLogLevel: 'debug',
    auth: async (secret: string, request: FastifyRequest) => {
      const principal = await store.principalOfToken(secret);
      if (principal) request.principal = principal;
      return principal !== null;
    },
  });
  await app.register(fastifyAuth);

  const publicRoute = async (request: FastifyRequest) => {
    if (accessOf(request) !== 'public') throw unauthorized('authentication required');
  };
  const session = async (request: FastifyRequest) => {
    // A bearer token was sent and refused: say so, rather than ask for a login.
    if (request.headers.authorization !== undefined) throw unauthorized('the API token is unknown, expired or revoked (Authorization: Bearer <token>)');
    const secret = request.cookies[SESSION_COOKIE];
    if (secret === undefined) throw unauthorized('authentication required: send an API token (Authorization: Bearer <token>) or log in');
    const principal = await store.principalOfSession(secret);
    if (!principal) throw unauthorized('the session has ended or expired: log in again');
    request.principal = principal;
  };
  const bearer = app.verifyBearerAuth;
  if (!bearer) throw new Error('@fastify/bearer-auth did not decorate verifyBearerAuth');
  // The last strategy's error is the answer when none succeeds.
  app.addHook('onRequest', app.auth([publicRoute, bearer, session], { relation: 'or' }));

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const access = accessOf(request);
    const principal = request.principal;
    if (access === 'public' || principal === null) return;
    if (!roleAllows(principal.role, access))
      throw new HttpError(
        403,
        `${request.method} ${request.routeOptions.url ?? request.url} needs the ${access} role; ${principal.username} has ${principal.role}`,
      );
  });

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (request.principal?.via !== 'session' || !WRITE_METHODS.has(request.method) || accessOf(request) === 'public') return done();
    app.csrfProtection(request, reply, done);
  });
}
