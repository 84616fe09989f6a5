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
          '`POST /trials` tries one iteration of a plan on one worker and answers each request and response. ' +
          'Every route under /api/v1 but the logins needs an API token (`Authorization: Bearer lt_…`) or the dashboard session cookie (whose writes carry `x-csrf-token`): 401 without, 403 when the role is too small (viewer < operator < admin).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token, `lt_` and 43 characters, from POST /api/v1/tokens' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'lt_session',
            description: 'The dashboard session (POST /api/v1/auth/login); writes also need the x-csrf-token header',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      tags: [
        { name: 'plans', description: 'Test plans' },
        { name: 'runs', description: 'Runs of plans and their measurements' },
        { name: 'workers', description: 'Load-generating workers' },
        { name: 'trials', description: 'One iteration of a plan on one worker, traced request by request (nothing stored)' },
        { name: 'imports', description: 'Plans converted from a HAR file, curl command lines or the old tool’s visual plans' },
        { name: 'health', description: 'Liveness and readiness (open: no token)' },
        { name: 'auth', description: 'Dashboard login and logout, and who is calling' },
        { name: 'users', description: 'Users and their roles (admin)' },
        { name: 'tokens', description: 'API tokens (admin)' },
        { name: 'audit', description: 'Who did what, when, from where (admin)' },
        { name: 'targets', description: 'Where load may go: the target allowlist' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
