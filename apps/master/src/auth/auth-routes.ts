import { ErrorBodySchema, LoginBodySchema, LoginLinkBodySchema, PrincipalSchema, type Principal, type User } from '@loadtest/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../audit/audit-record.js';
import { HttpError } from '../http/errors.js';
import type { CredentialMatch } from '../live/live-credential.js';
import type { AuthStore } from './auth-store.js';
import { unauthorized } from './authentication.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

export interface AuthRoutesOptions {
  store: AuthStore;
  /** Logins (password or one-time link) per minute per client address. */
  loginRateLimitPerMinute: number;
  /** Closes the live connections of an ended credential. */
  credentialsEnded(match: CredentialMatch): void;
}

const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { store, loginRateLimitPerMinute, credentialsEnded }) => {
  // Its own bucket per route and client, whatever the write limit (security.ts registers the limiter).
  const rateLimit = {
    max: loginRateLimitPerMinute,
    timeWindow: 60_000,
    allowList: () => false,
    errorResponseBuilder: (_request: FastifyRequest, context: { after: string }) =>
      new HttpError(
        429,
        `too many login attempts: the limit is ${loginRateLimitPerMinute} per minute per client (LOADTEST_LOGIN_RATE_LIMIT); retry in ${context.after}`,
      ),
  };

  /** A session for `user`: the cookie, the login on record, and the CSRF token the dashboard sends with its writes. */
  async function openSession(request: FastifyRequest, reply: FastifyReply, user: User, via: 'password' | 'login-link'): Promise<Principal> {
    const session = await store.createSession(user.id, { action: 'login', actorId: user.id, actor: user.username, via, ip: request.ip });
    setSessionCookie(reply, session.secret, session.expiresAt);
    return { user: { id: user.id, username: user.username, role: user.role }, via: 'session', csrfToken: reply.generateCsrf() };
  }

  app.post('/auth/login', {
    config: { access: 'public', rateLimit },
    schema: {
      tags,
      summary: 'Log in with a name and password (the dashboard)',
      description:
        'Sets the session cookie (httpOnly, SameSite=Strict) and answers the CSRF token to send as `x-csrf-token` with every write made with that cookie. 401 for a wrong name or password (the same answer for both); 429 beyond LOADTEST_LOGIN_RATE_LIMIT attempts a minute from one client.',
      body: LoginBodySchema,
      response: { 200: PrincipalSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const { username, password } = request.body;
      const user = await store.userByPassword(username, password);
      if (!user) {
        await store.recordFailedLogin({ action: 'login.failed', actorId: null, actor: null, via: 'password', ip: request.ip, details: { username } });
        throw unauthorized('wrong username or password');
      }
      return openSession(request, reply, user, 'password');
    },
  });

  app.post('/auth/login-link', {
    config: { access: 'public', rateLimit },
    schema: {
      tags,
      summary: 'Log in with a one-time login link',
      description: 'Takes the secret after `#once=` in the link the master prints on its first start; a link works once. Answers as `POST /auth/login`.',
      body: LoginLinkBodySchema,
      response: { 200: PrincipalSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const user = await store.userByLoginLink(request.body.token);
      if (!user) {
        await store.recordFailedLogin({ action: 'login.failed', actorId: null, actor: null, via: 'login-link', ip: request.ip });
        throw unauthorized('this login link is unknown, used or expired: restart the master for a new one, or log in with a password');
      }
      return openSession(request, reply, user, 'login-link');
    },
  });

  app.get('/auth/me', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Who is calling',
      description: 'The caller, its role and how it is authenticated; for a session, a CSRF token for its writes.',
      response: { 200: PrincipalSchema, 401: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const user = { id: principal.userId, username: principal.username, role: principal.role };
      return principal.via === 'session' ? { user, via: 'session' as const, csrfToken: reply.generateCsrf() } : { user, via: 'token' as const };
    },
  });

  app.post('/auth/logout', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'End the dashboard session',
      description: 'Ends the session of the cookie and clears it; with an API token, nothing to end (revoke the token instead).',
      response: { 204: z.null(), 401: ErrorBodySchema, 403: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      if (principal.via === 'session') {
        await store.endSession(principal.credentialId, { ...actorOf(request), action: 'logout', subjectType: 'user', subjectId: principal.userId });
        clearSessionCookie(reply);
        credentialsEnded((c) => c.credentialId === principal.credentialId);
      }
      return reply.status(204).send(null);
    },
  });
};
