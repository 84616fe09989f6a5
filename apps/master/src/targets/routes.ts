import { ErrorBodySchema, PutTargetAllowlistBodySchema, TargetAllowlistSchema, type TargetAllowlist } from '@loadtest/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../audit/audit-record.js';
import { badRequest } from '../http/errors.js';
import { storedEntryIssues, type StoredAllowlist } from './stored-allowlist.js';

const tags = ['targets'];

export const allowlistRoutes: FastifyPluginAsyncZod<{ allowlist: StoredAllowlist }> = async (app, { allowlist }) => {
  const view = (): TargetAllowlist => ({
    environment: allowlist.environmentEntries,
    stored: [...allowlist.storedEntries],
    denied: allowlist.allowlist.denied.map((d) => `${d.what} ${d.host}:${d.port}`),
  });

  app.get('/target-allowlist', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Where load may go',
      description:
        "The environment's entries (LOADTEST_TARGET_ALLOWLIST, or the mode's default) and those stored by admins; plans are saved, and runs started, only towards what they allow. Link-local and metadata addresses, and the platform's own broker and database, are refused unless an entry names them.",
      response: { 200: TargetAllowlistSchema, 401: ErrorBodySchema },
    },
    handler: async () => view(),
  });

  app.put('/target-allowlist', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Replace the stored allowlist entries',
      description:
        "Hosts (`api.example.com`), `*.domain` wildcards, IPs and CIDRs (`10.0.0.0/8`, `[fd00::]/8`), `*`, each with optional ports (`:8080`, `:8000-8100`, `:80|443`). Added to the environment's entries; on record in the audit log. 400 names each entry that does not parse. Workers check their own LOADTEST_TARGET_ALLOWLIST as well.",
      body: PutTargetAllowlistBodySchema,
      response: { 200: TargetAllowlistSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema },
    },
    handler: async (request) => {
      const issues = storedEntryIssues(request.body.entries);
      if (issues.length > 0) throw badRequest(`invalid allowlist: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
      await allowlist.replace(request.body.entries, { ...actorOf(request), action: 'allowlist.changed' });
      return view();
    },
  });
};
