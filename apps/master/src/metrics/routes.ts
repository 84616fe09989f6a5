import type { FastifyPluginAsync } from 'fastify';
import type { MasterMetrics } from './master-metrics.js';

/**
 * `GET /metrics` in Prometheus's text format. Open like the probes (scrapers carry no token): it tells counts and
 * durations, no plan, target or user; keep it inside the cluster (the NetworkPolicy of deployments/k8s does).
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: MasterMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Prometheus metrics (open, like the probes)' } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
