import { ErrorBodySchema, IdParamsSchema, RunResourceSchema, TimelineSchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../http/errors.js';
import type { RunOrchestrator } from './orchestrator.js';
import type { RunRepository } from './run-repository.js';
import { runResource } from './run-resource.js';
import { timelinePoints } from './timeline.js';

export interface RunRoutesOptions {
  runs: RunRepository;
  orchestrator: RunOrchestrator;
}

export const runRoutes: FastifyPluginAsyncZod<RunRoutesOptions> = async (app, { runs, orchestrator }) => {
  const tags = ['runs'];

  app.get('/runs/:id', {
    schema: {
      tags,
      summary: 'Read a run: state, load, per-worker shares and summary',
      params: IdParamsSchema,
      response: { 200: RunResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const run = await runs.get(request.params.id);
      if (!run) throw notFound('run', request.params.id);
      return runResource(run, runs);
    },
  });

  app.get('/runs/:id/timeline', {
    schema: {
      tags,
      summary: "A run's per-second windows, each merged over every worker",
      params: IdParamsSchema,
      response: { 200: TimelineSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      if ((await runs.state(id)) === null) throw notFound('run', id);
      return { runId: id, points: timelinePoints(await runs.windows(id)) };
    },
  });

  app.post('/runs/:id/stop', {
    schema: {
      tags,
      summary: 'Stop a run',
      description: 'Sends a stop to every worker of the run. 409 when the run has already ended.',
      params: IdParamsSchema,
      response: { 202: RunResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const run = await orchestrator.stopRun(request.params.id);
      return reply.status(202).send(await runResource(run, runs));
    },
  });
};
