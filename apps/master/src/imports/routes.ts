import { CurlCommandsSchema, HarSchema, LegacyPlanSchema, PlanImportError, planFromCurl, planFromHar, planFromLegacyDocument } from '@loadtest/plan-import';
import {
  ErrorBodySchema,
  fieldIssues,
  maskSecretVariables,
  PlanObjectSchema,
  PlanResourceSchema,
  describeIssues,
  type Plan,
  type PlanResource,
} from '@loadtest/protocol';
import { StoredPlanSchema } from '@loadtest/plan';
import { actorOf, type AuditActor } from '../audit/audit-record.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../http/errors.js';
import type { PlanRepository } from '../plans/plan-repository.js';
import { describeTargetIssues, saveIssues, type TargetSettings } from '../targets/target-check.js';

/** What every import answers: the converted plan, in v1 form, not stored. */
export const ImportedPlanSchema = z.object({ plan: PlanObjectSchema }).meta({ id: 'ImportedPlan' });
export type ImportedPlan = z.infer<typeof ImportedPlanSchema>;

const planName = z.string().trim().min(1).max(200).optional().describe("The plan's name; by default one the import makes up");
const save = z
  .stringbool()
  .optional()
  .describe('Stores the converted plan as POST /plans would, and answers 201 with the stored plan (its id included); default false');

export const ImportQuerySchema = z.object({ name: planName, save });

export const HarImportQuerySchema = z.object({
  name: planName,
  save,
  thinkTime: z.stringbool().optional().describe('Adds a think step for each pause between two entries (their startedDateTime); default false'),
  minThinkMs: z.coerce.number().int().min(0).max(3_600_000).optional().describe('With thinkTime, shorter pauses are left out'),
  keepCookies: z.stringbool().optional().describe('Keeps the recorded cookie headers; default false'),
});

/** Body of `POST /imports/curl`: JSON `{ commands }`, or the command lines as `text/plain`. */
export const CurlImportBodySchema = z.union([z.object({ commands: CurlCommandsSchema }).meta({ id: 'CurlImport' }), z.string().min(1, 'must not be empty')]);

/** A HAR with its response bodies may be large; the other imports keep Fastify's 1 MiB. */
const HAR_BODY_LIMIT = 64 * 1024 * 1024;

/** Runs a conversion; what it cannot convert is a 400 naming each problem. */
function converted(convert: () => Plan): ImportedPlan {
  try {
    return { plan: convert() };
  } catch (error) {
    if (error instanceof PlanImportError) throw badRequest(error.message, error.issues);
    throw error;
  }
}

const notStored =
  'By default the plan is not stored: the answer is `{ plan }`; POST `plan` to /api/v1/plans (after any edit) to keep it. ' +
  'With `?save=true` it is stored at once, as POST /plans would store it, and the answer is 201 with the stored plan (`id` included). ' +
  '400 names what could not be converted, or could not be stored, and where.';

/** Where `?save=true` stores a converted plan. */
export interface ImportRoutesOptions {
  plans: Pick<PlanRepository, 'create'>;
  /** The target allowlist a plan saved with `?save=true` is checked against, as POST /plans checks it. */
  targets: TargetSettings;
}

export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (app, { plans, targets }) => {
  const tags = ['imports'];
  const responses = { 200: ImportedPlanSchema, 201: PlanResourceSchema, 400: ErrorBodySchema };

  /**
   * The answer to an import: the plan alone, or, with `save`, the plan stored. It is stored only if POST /plans
   * would take it (every string storable), so an import never stores what the plan routes refuse.
   */
  const answer = async (
    imported: ImportedPlan,
    saveIt: boolean | undefined,
    by: AuditActor,
  ): Promise<{ status: 200; body: ImportedPlan } | { status: 201; body: PlanResource }> => {
    if (!saveIt) return { status: 200, body: imported };
    const storable = StoredPlanSchema.safeParse(imported.plan);
    if (!storable.success)
      throw badRequest(
        `the converted plan cannot be stored: ${describeIssues(storable.error)}`,
        fieldIssues(storable.error).map((i) => ({ ...i, path: i.path ? `plan.${i.path}` : 'plan' })),
      );
    const issues = saveIssues(storable.data, targets).map((i) => ({ ...i, path: `plan.${i.path}` }));
    if (issues.length > 0) throw badRequest(`the converted plan cannot be stored: ${describeTargetIssues(issues)}`, issues);
    return { status: 201, body: maskSecretVariables(await plans.create(storable.data, { ...by, action: 'plan.created', details: { imported: true } })) };
  };

  app.post('/imports/har', {
    config: { access: 'operator' },
    bodyLimit: HAR_BODY_LIMIT,
    schema: {
      tags,
      summary: 'Convert a HAR recording into a plan',
      description:
        'Takes a HAR 1.2 log (a browser\'s "Save all as HAR"): one HTTP step per entry, named METHOD /path; the first entry\'s origin is the base URL. ' +
        'Headers the generator sets itself or that belong to the recorded connection (pseudo-headers, host, content-length, connection, accept-encoding…) and cookies are left out. ' +
        notStored,
      querystring: HarImportQuerySchema,
      body: HarSchema,
      response: { ...responses, 413: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const { name, thinkTime, minThinkMs, keepCookies, save: saveIt } = request.query;
      const { status, body } = await answer(
        converted(() => planFromHar(request.body, { name, thinkTime, minThinkMs, keepCookies })),
        saveIt,
        actorOf(request),
      );
      return reply.status(status).send(body);
    },
  });

  app.post('/imports/curl', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Convert curl command lines into a plan',
      description:
        'Takes `{ "commands": "curl …\\ncurl …" }` (or a list), or the command lines as text/plain: one step per command; a line ending with `\\` goes on on the next. ' +
        'Reads -X, -H, -d/--data(-raw/-binary/-urlencode), --json, -G, -u, -A, -e, -b, --url, -I and -m; ignores options that do not change the request (-s, -L, -k, -v, --compressed, -o FILE…). ' +
        'An unknown option is a 400 naming it and its command. Shell variables ($TOKEN) become plan variables. ' +
        notStored,
      consumes: ['application/json', 'text/plain'],
      querystring: ImportQuerySchema,
      body: CurlImportBodySchema,
      response: responses,
    },
    handler: async (request, reply) => {
      const commands = typeof request.body === 'string' ? request.body : request.body.commands;
      const { status, body } = await answer(
        converted(() => planFromCurl(commands, { name: request.query.name })),
        request.query.save,
        actorOf(request),
      );
      return reply.status(status).send(body);
    },
  });

  app.post('/imports/legacy', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Convert a plan saved by the old tool into a plan',
      description:
        'Takes what the old tool\'s front end saved: `{ "testPlan": [TreeNode], "reactFlow": {…} }` (reactFlow is ignored), or the bare testPlan array; ' +
        'TreeNode = `{ name, type, data, children, conditions?: { trueChildren, falseChildren } }` from a startNode (libs/plan-import/README.md). ' +
        'The tree runs depth first: requests become HTTP steps, delayNodes think steps, an ifCondition an `if` with its two branches; a stopNode ends the iteration. ' +
        'An unknown node type or a missing field is a 400 naming its path (`testPlan[0].children[2].data.url`). ' +
        notStored,
      querystring: ImportQuerySchema,
      body: LegacyPlanSchema,
      response: responses,
    },
    handler: async (request, reply) => {
      const { status, body } = await answer(
        converted(() => planFromLegacyDocument(request.body, { name: request.query.name })),
        request.query.save,
        actorOf(request),
      );
      return reply.status(status).send(body);
    },
  });
};
