import type { ErrorBody } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { installErrorHandler } from '../src/http/error-handler.js';
import { badRequest, conflict, notFound, unavailable } from '../src/http/errors.js';
import { InsufficientCapacity, InvalidRunRequest, MasterDraining, NoWorkersAvailable, PlanNotFound, RunConflict, RunNotFound } from '../src/runs/run-errors.js';

/** What the API answers when a route throws `error`. */
async function answerTo(error: Error): Promise<{ status: number; body: ErrorBody }> {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/', async () => {
    throw error;
  });
  const response = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return { status: response.statusCode, body: response.json<ErrorBody>() };
}

describe('domain errors answered over HTTP', () => {
  const issues = [{ path: 'connections', message: 'must be at least 1' }];
  // Each domain error and the HTTP error the orchestrator threw for it before: the answers must not differ.
  const cases: [string, Error, Error, number][] = [
    ['PlanNotFound', new PlanNotFound('p1'), notFound('plan', 'p1'), 404],
    ['RunNotFound', new RunNotFound('r1'), notFound('run', 'r1'), 404],
    ['RunConflict', new RunConflict('r1', 'run r1 has already ended (finished)'), conflict('run r1 has already ended (finished)'), 409],
    [
      'NoWorkersAvailable',
      new NoWorkersAvailable('p1', { online: 0, busy: 1, missing: 2, lost: 3 }),
      conflict(
        'no live worker is available to run plan p1 (workers known: 0 online, 1 busy, 2 missing, 3 lost); start a worker or wait for the current run to end',
      ),
      409,
    ],
    [
      'InsufficientCapacity',
      new InsufficientCapacity(12, 'this run needs up to 12 connections at once'),
      conflict('this run needs up to 12 connections at once'),
      409,
    ],
    ['InvalidRunRequest', new InvalidRunRequest('the load cannot be run', issues), badRequest('the load cannot be run', issues), 400],
    ['MasterDraining', new MasterDraining(), unavailable('the master is shutting down and accepts no new run; start it on the next master'), 503],
  ];

  it.each(cases)('%s: the same status and body as before', async (_name, domain, http, status) => {
    const answer = await answerTo(domain);
    expect(answer.status).toBe(status);
    expect(answer).toEqual(await answerTo(http));
  });

  it('any other error stays a 500 that reveals nothing', async () => {
    const answer = await answerTo(new Error('secret detail'));
    expect(answer.status).toBe(500);
    expect(answer.body.message).not.toContain('secret');
  });
});
