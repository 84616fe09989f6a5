import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** The OpenAPI document is generated from the routes' zod schemas; the browsable UI is at /api/docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Load-testing platform API',
        version: '1.0.0',
        description:
          'Plans, runs, their exact merged measurements, and the workers that generate the load. ' +
          "Lists of runs are paged by cursor (`limit`, then the answer's `nextCursor` as `cursor`), newest first. " +
          'Plans are stored and answered as written: an object keeps its key order. Bad input is a 400 naming each field, never a 500. ' +
          '`POST /trials` tries one iteration of a plan on one worker and answers each request and response.',
      },
      tags: [
        { name: 'plans', description: 'Test plans' },
        { name: 'runs', description: 'Runs of plans and their measurements' },
        { name: 'workers', description: 'Load-generating workers' },
        { name: 'trials', description: 'One iteration of a plan on one worker, traced request by request (nothing stored)' },
        { name: 'imports', description: 'Plans converted from a HAR file, curl command lines or the old tool’s visual plans' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
