import { IdParamsSchema } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../http/errors.js';
import type { RunRepository } from '../runs/run-repository.js';
import type { RawStreamHub } from './raw-stream.js';

/** Close code for a stream of a run that does not exist (4000–4999 are for applications). */
export const CLOSE_RUN_NOT_FOUND = 4404;

const description =
  'For clients without Socket.IO. Each message is JSON: `{"event":"run:window", ...}` once per second ' +
  '(that second only, merged over the workers, with each threshold’s state) and `{"event":"run:state", ...}` on each change. ' +
  'Read the timeline over REST first when joining late. Closes with 4404 for an unknown run.';

export interface RawStreamRoutesOptions {
  runs: RunRepository;
  hub: RawStreamHub;
  /** Whether a handshake's Origin may open a stream (origin-check.ts); checked before the upgrade. */
  originAllowed(headers: IncomingHttpHeaders): boolean;
}

export const rawStreamRoutes: FastifyPluginAsyncZod<RawStreamRoutesOptions> = async (app, { runs, hub, originAllowed }) => {
  app.get(
    '/runs/:id/stream',
    {
      websocket: true,
      config: { access: 'viewer' },
      preValidation: async (request) => {
        if (!originAllowed(request.headers)) throw new HttpError(403, `origin ${request.headers.origin} may not open a live stream (LOADTEST_CORS_ORIGINS)`);
      },
      schema: { tags: ['runs'], summary: "A run's live stream over a plain WebSocket", description, params: IdParamsSchema },
    },
    async (socket, request) => {
      const { id } = request.params;
      if ((await runs.state(id)) === null) {
        socket.close(CLOSE_RUN_NOT_FOUND, `run ${id} not found`);
        return;
      }
      const principal = request.principal;
      hub.add(id, socket, principal ? { userId: principal.userId, credentialId: principal.credentialId, via: principal.via } : undefined);
    },
  );
};
