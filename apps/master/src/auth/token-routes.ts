import { ApiTokenListSchema, CreatedApiTokenSchema, CreateTokenBodySchema, ErrorBodySchema, IdParamsSchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../audit/audit-record.js';
import { notFound } from '../http/errors.js';
import type { CredentialMatch } from '../live/live-credential.js';
import type { AuthStore } from './auth-store.js';

const tags = ['tokens'];
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema };
const DAY_MS = 24 * 3600_000;

/** Admins create and revoke API tokens; a token acts with its user's role at the time of each call. */
export const tokenRoutes: FastifyPluginAsyncZod<{ store: AuthStore; credentialsEnded(match: CredentialMatch): void }> = async (
  app,
  { store, credentialsEnded },
) => {
  app.get('/tokens', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'List API tokens',
      description: 'Their names, owners, prefixes and dates: never the tokens themselves.',
      response: { 200: ApiTokenListSchema, ...errors },
    },
    handler: async () => ({ items: await store.listTokens() }),
  });

  app.post('/tokens', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Create an API token',
      description:
        'Answers the token (`lt_` and 43 more characters) this once: only its SHA-256 is kept. Send it as `Authorization: Bearer <token>`. It acts as its user (the caller unless `userId` is given), expires after `expiresInDays` (90 by default), and can be revoked.',
      body: CreateTokenBodySchema,
      response: { 201: CreatedApiTokenSchema, 404: ErrorBodySchema, ...errors },
    },
    handler: async (request, reply) => {
      const userId = request.body.userId ?? request.principal!.userId;
      if (!(await store.getUser(userId))) throw notFound('user', userId);
      const expiresAt = new Date(Date.now() + request.body.expiresInDays * DAY_MS);
      const created = await store.createToken({ userId, name: request.body.name, expiresAt }, { ...actorOf(request), action: 'token.created' });
      return reply.status(201).send(created);
    },
  });

  app.delete('/tokens/:id', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Revoke an API token',
      description: 'It stops working at once and stays listed, revoked. Revoking it again changes nothing.',
      params: IdParamsSchema,
      response: { 204: z.null(), 404: ErrorBodySchema, ...errors },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      if (!(await store.revokeToken(id, { ...actorOf(request), action: 'token.revoked' }))) throw notFound('token', id);
      credentialsEnded((c) => c.credentialId === id);
      return reply.status(204).send(null);
    },
  });
};
