import { CreateUserBodySchema, ErrorBodySchema, IdParamsSchema, UpdateUserBodySchema, UserListSchema, UserSchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../audit/audit-record.js';
import { conflict, notFound } from '../http/errors.js';
import type { CredentialMatch } from '../live/live-credential.js';
import type { AuthStore } from './auth-store.js';

const tags = ['users'];
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema };

/** Admins manage users: each change is on record in the audit log, in the change's own transaction. */
export const userRoutes: FastifyPluginAsyncZod<{ store: AuthStore; credentialsEnded(match: CredentialMatch): void }> = async (
  app,
  { store, credentialsEnded },
) => {
  app.get('/users', {
    config: { access: 'admin' },
    schema: { tags, summary: 'List users', response: { 200: UserListSchema, ...errors } },
    handler: async () => ({ items: await store.listUsers() }),
  });

  app.post('/users', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Create a user',
      description:
        'A password (12 characters or more, stored as argon2id) lets the user log in to the dashboard; without one, the user acts only through API tokens. 409 when the name is taken.',
      body: CreateUserBodySchema,
      response: { 201: UserSchema, 409: ErrorBodySchema, ...errors },
    },
    handler: async (request, reply) => {
      const user = await store.createUser(request.body, { ...actorOf(request), action: 'user.created' });
      if (!user) throw conflict(`username ${request.body.username} is taken`);
      return reply.status(201).send(user);
    },
  });

  app.patch('/users/:id', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: "Change a user's role or password, or disable the user",
      description:
        "A new password or disabling ends the user's dashboard sessions (but the caller's own, when they change their own password); a disabled user's tokens stop working. 409 when the change would leave no enabled admin.",
      params: IdParamsSchema,
      body: UpdateUserBodySchema,
      response: { 200: UserSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
    },
    handler: async (request) => {
      const { id } = request.params;
      const current = await store.getUser(id);
      if (!current) throw notFound('user', id);
      const { role, disabled } = request.body;
      const losesAdmin = current.role === 'admin' && !current.disabled && ((role !== undefined && role !== 'admin') || disabled === true);
      // Checked, not locked: two admins demoting each other at the same instant could still race (rare, and an environment token recovers).
      if (losesAdmin && (await store.adminCount()) <= 1) throw conflict(`${current.username} is the last enabled admin: make another admin first`);
      // Changing your own password keeps the session you changed it from; disabling yourself is refused above only for the last admin.
      const principal = request.principal!;
      const ownSession = principal.via === 'session' && principal.userId === id && request.body.disabled !== true ? principal.credentialId : undefined;
      const updated = await store.updateUser(id, request.body, { ...actorOf(request), action: 'user.changed' }, ownSession);
      if (!updated) throw notFound('user', id);
      // As the store ended them: all of a disabled user's connections; a new password's sessions but the caller's.
      if (request.body.disabled === true) credentialsEnded((c) => c.userId === id);
      else if (request.body.password !== undefined) credentialsEnded((c) => c.userId === id && c.via === 'session' && c.credentialId !== ownSession);
      return updated;
    },
  });
};
