import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PrismaClient } from '../persistence/prisma.js';

const Ok = z.object({ status: z.literal('ok') });
const NotReady = z.object({ status: z.literal('unavailable'), reason: z.string() });

/**
 * Open to all (probes carry no token): liveness says the process answers; readiness that it can use its database
 * (migrated: the master applies the migrations before it listens) and, over RabbitMQ, reach the broker.
 */
export const healthRoutes: FastifyPluginAsyncZod<{ prisma: PrismaClient; brokerReachable(): boolean }> = async (app, { prisma, brokerReachable }) => {
  const tags = ['health'];
  const alive = async () => ({ status: 'ok' as const });
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { tags, summary: 'Liveness (kept for older probes; same as /healthz)', response: { 200: Ok } } },
    alive,
  );
  app.get('/healthz', { config: { access: 'public' }, schema: { tags, summary: 'Liveness: the master answers', response: { 200: Ok } } }, alive);
  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Readiness: the master reaches its database and its broker', response: { 200: Ok, 503: NotReady } },
    },
    async (request, reply) => {
      if (!brokerReachable()) return reply.status(503).send({ status: 'unavailable' as const, reason: 'the broker connection is down' });
      try {
        await prisma.$queryRaw`SELECT 1`;
        return { status: 'ok' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'not ready: the database does not answer');
        return reply.status(503).send({ status: 'unavailable' as const, reason: 'the database does not answer' });
      }
    },
  );
};
