import type { ErrorBody } from '@loadtest/protocol';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandler } from '../src/http/error-handler.js';
import { unavailable } from '../src/http/errors.js';

describe('error handler', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    installErrorHandler(app);
    app.post('/runs', async () => {
      throw unavailable('the master is shutting down; no new run is accepted');
    });
    await app.ready();
  });

  afterAll(() => app.close());

  it('names 503 in the body: a client shown the error reads "Service Unavailable", not a bare "Error"', async () => {
    const response = await app.inject({ method: 'POST', url: '/runs' });
    expect(response.statusCode).toBe(503);
    expect(response.json<ErrorBody>()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the master is shutting down; no new run is accepted',
    });
  });
});
