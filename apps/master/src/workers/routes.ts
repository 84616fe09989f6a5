import { WorkerListSchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WorkerRegistry } from './registry.js';

export const workerRoutes: FastifyPluginAsyncZod<{ registry: WorkerRegistry }> = async (app, { registry }) => {
  app.get('/workers', {
    config: { access: 'viewer' },
    schema: { tags: ['workers'], summary: 'The workers this master knows: id, host, state, last heartbeat, capabilities', response: { 200: WorkerListSchema } },
    handler: async () => ({ items: registry.list() }),
  });
};
