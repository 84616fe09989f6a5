import { AuditPageSchema, AuditQuerySchema, ErrorBodySchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PrismaClient } from '../persistence/prisma.js';
import { auditPage } from './audit-query.js';

export const auditRoutes: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get('/audit', {
    config: { access: 'admin' },
    schema: {
      tags: ['audit'],
      summary: 'Read the audit log',
      description:
        'Who did what, when, from where: logins (and refused ones), tokens created and revoked, users created and changed, plans created, changed and deleted, runs started (with their target hosts and peak load) and stopped, allowlist changes. Newest first; filter by `action`, `actor` (a username), `subjectId`, `since`/`until`; page with `nextCursor`. Never holds a token or a password.',
      querystring: AuditQuerySchema,
      response: { 200: AuditPageSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema },
    },
    handler: async (request) => auditPage(prisma, request.query),
  });
};
