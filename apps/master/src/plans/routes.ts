import {
  ErrorBodySchema,
  IdParamsSchema,
  PlanListSchema,
  PlanResourceSchema,
  PlanRunListQuerySchema,
  RunListSchema,
  StartRunBodySchema,
  RunResourceSchema,
  maskSecretVariables,
  type Plan,
} from '@loadtest/protocol';
import { StoredPlanSchema } from '@loadtest/plan';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../audit/audit-record.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { describeTargetIssues, saveIssues, type TargetSettings } from '../targets/target-check.js';
import type { RunOrchestrator } from '../runs/orchestrator.js';
import type { RunRepository } from '../runs/run-repository.js';
import { listRuns, RUN_LIST_DESCRIPTION } from '../runs/run-list.js';
import { runResource, type StoredWindowsMerge } from '../runs/run-resource.js';
import { planOf, type PlanRepository } from './plan-repository.js';
import { withStoredSecrets } from './secret-variables.js';
import { parseYamlBody, YAML_CONTENT_TYPES } from './yaml-body.js';

export interface PlanRoutesOptions {
  plans: PlanRepository;
  runs: RunRepository;
  orchestrator: RunOrchestrator;
  /** A live run's windows merged so far (ActiveRunTotals). */
  totals: StoredWindowsMerge;
  /** The target allowlist a saved plan's URLs are checked against (without DNS; a run's start resolves them). */
  targets: TargetSettings;
}

/** A plan is stored only if its targets are allowed: a 400 naming each step path and host otherwise. */
function checkSavedTargets(plan: Plan, targets: TargetSettings): Plan {
  const issues = saveIssues(plan, targets);
  if (issues.length > 0) throw badRequest(describeTargetIssues(issues), issues);
  return plan;
}

export const planRoutes: FastifyPluginAsyncZod<PlanRoutesOptions> = async (app, { plans, runs, orchestrator, totals, targets }) => {
  const tags = ['plans'];
  // Plans may be written in YAML: it is read into the same object as JSON, then validated alike.
  app.addContentTypeParser([...YAML_CONTENT_TYPES], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseYamlBody(body.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const consumes = ['application/json', ...YAML_CONTENT_TYPES];
  const planBodyDescription =
    'Takes a plan of format v1 (docs/plan-format.md) as JSON, or as YAML with `content-type: application/yaml` (or text/yaml, application/x-yaml): the same object either way. ' +
    'A plan written before v1 (`requests`) is read as v1 and answered in v1 (`steps`). ' +
    "A variable written `{ value, secret: true }` is answered as `{ value: '***', secret: true }`; on PUT, a secret given as `***` keeps its stored value (a 400 when there is none to keep). " +
    '400 names every problem at once with the path of its field (`steps[2].extract[0].jsonPath`): shapes, JSONPaths, regular expressions, unknown `${variables}`, duplicate step names, attachments and feeders; a YAML syntax error names its line.';

  app.post('/plans', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Create a plan',
      description: planBodyDescription,
      consumes,
      body: StoredPlanSchema,
      response: { 201: PlanResourceSchema, 400: ErrorBodySchema },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          maskSecretVariables(
            await plans.create(checkSavedTargets(withStoredSecrets(request.body, undefined), targets), { ...actorOf(request), action: 'plan.created' }),
          ),
        ),
  });

  app.get('/plans', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'List plans, newest first', response: { 200: PlanListSchema } },
    handler: async () => ({ items: (await plans.list()).map(maskSecretVariables) }),
  });

  app.get('/plans/:id', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Read a plan', params: IdParamsSchema, response: { 200: PlanResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema } },
    handler: async (request) => {
      const plan = await plans.get(request.params.id);
      if (!plan) throw notFound('plan', request.params.id);
      return maskSecretVariables(plan);
    },
  });

  app.put('/plans/:id', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Replace a plan',
      description: planBodyDescription,
      consumes,
      params: IdParamsSchema,
      body: StoredPlanSchema,
      response: { 200: PlanResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      const stored = await plans.get(id);
      // A secret written as '***' (the plan as the API answered it) keeps its stored value.
      const updated =
        stored &&
        (await plans.update(id, checkSavedTargets(withStoredSecrets(request.body, planOf(stored)), targets), { ...actorOf(request), action: 'plan.changed' }));
      if (!updated) throw notFound('plan', id);
      return maskSecretVariables(updated);
    },
  });

  app.delete('/plans/:id', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Delete a plan',
      description: 'Refused with 409 while a run of the plan is pending or running: stop it first. Ended runs are kept, with a null planId.',
      params: IdParamsSchema,
      response: { 204: z.null(), 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      if (await runs.hasActiveRun(id)) throw conflict(`plan ${id} has an active run; stop it before deleting the plan`);
      if (!(await plans.delete(id, { ...actorOf(request), action: 'plan.deleted' }))) throw notFound('plan', id);
      return reply.status(204).send(null);
    },
  });

  app.post('/plans/:id/runs', {
    config: { access: 'operator' },
    schema: {
      tags: ['runs'],
      summary: 'Start a run of a plan',
      description:
        'Takes `scenarios` (constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate, or a LOAD/STRESS/SPIKE/SOAK preset, each with its own startTime) or the shorthand `connections` + `durationSeconds`. Presets are expanded into stages, shown in the answer and stored. Each live worker gets an execution segment and computes its exact share of every scenario from it (100 VUs over 3 workers: 34/33/33). 400 names each field that cannot run; 409 when no worker is available or the run needs more connections than they hold; 503 while the master is shutting down.',
      params: IdParamsSchema,
      body: StartRunBodySchema,
      response: { 201: RunResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 503: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const run = await orchestrator.startRun(request.params.id, request.body, { actor: actorOf(request), role: request.principal!.role });
      return reply.status(201).send(await runResource(run, totals));
    },
  });

  app.get('/plans/:id/runs', {
    config: { access: 'viewer' },
    schema: {
      tags: ['runs'],
      summary: "List a plan's runs, newest first, a page at a time",
      description: `${RUN_LIST_DESCRIPTION} The same as \`GET /runs?planId=\`, with a 404 for an unknown plan.`,
      params: IdParamsSchema,
      querystring: PlanRunListQuerySchema,
      response: { 200: RunListSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      if (!(await plans.get(id))) throw notFound('plan', id);
      return listRuns({ ...request.query, planId: id }, { runs, windows: totals, liveOutcomes: (runId) => orchestrator.liveThresholdOutcomes(runId) });
    },
  });
};
