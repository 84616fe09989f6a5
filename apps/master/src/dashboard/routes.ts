import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface DashboardOptions {
  /** The built dashboard (see dashboardDir), or null when it was not built. */
  dir: string | null;
  logger: Logger;
}

/** Paths that belong to the API, the live streams or the health check: never answered with the app. */
const NOT_THE_APP = /^\/(api|socket\.io|health)(\/|$|\?)/;
/** Vite names its bundles by content hash: they can be cached for good. */
const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.\w+$/;

/**
 * Serves the dashboard (a single-page app) at `/`: its files, with long caching for content-hashed
 * assets and none for index.html, and index.html for any other GET path that is not the API's
 * (the app's own routes, e.g. /runs/<id>, opened directly or reloaded).
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { dir, logger } = options;
  if (!dir) {
    logger.warn('the dashboard is not built (npm run build -w @loadtest/dashboard); / answers with a note');
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE),
    );
    return;
  }
  const indexHtml = readFileSync(join(dir, 'index.html'));
  await app.register(fastifyStatic, {
    root: dir,
    // Only the files present at start-up get routes; every other path falls through to the app below.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', HASHED_ASSET.test(path.replaceAll('\\', '/')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendApp = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendApp(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // The API's unknown paths keep their JSON 404; a missing file (a name with an extension) is a 404 too.
    if (NOT_THE_APP.test(path) || /\.[A-Za-z0-9]+$/.test(path)) return reply.callNotFound();
    return sendApp(reply);
  });
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>loadtest</title></head>
<body><h1>loadtest master</h1><p>The dashboard has not been built. Run <code>npm run build -w @loadtest/dashboard</code>
(<code>npm ci</code> does it) and restart the master. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;
