import { ErrorBodySchema, TRIAL_DEFAULT_TIMEOUT_SECONDS, TRIAL_MAX_SECONDS, TrialResourceSchema } from '@loadtest/protocol';
import { StoredPlanSchema } from '@loadtest/plan';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, conflict, gatewayTimeout, unavailable } from '../http/errors.js';
import { describeTargetIssues, runIssues, type TargetSettings } from '../targets/target-check.js';
import { redactSecretValues } from './redact-secrets.js';
import type { TrialDispatcher } from './trial-dispatcher.js';

/** The iteration's limit unless the request gives one. */
const DEFAULT_ITERATION_SECONDS = 60;

export const TrialBodySchema = z
  .object({
    /** A plan as written (saved or not: the editor tries what it shows), read and checked as `POST /plans` does. */
    plan: StoredPlanSchema,
    timeoutSeconds: z.int().min(1).max(600).default(TRIAL_DEFAULT_TIMEOUT_SECONDS).meta({ description: "Each request's timeout unless its step sets one" }),
    iterationSeconds: z
      .int()
      .min(1)
      .max(TRIAL_MAX_SECONDS)
      .default(DEFAULT_ITERATION_SECONDS)
      .meta({ description: 'The longest the iteration may take, think times included; what is still unanswered then is `interrupted`' }),
  })
  .meta({ id: 'StartTrial' });

/** `targets`: the allowlist a trial's targets are checked against, as a run's are at its start (every address resolved). */
export const trialRoutes: FastifyPluginAsyncZod<{ trials: TrialDispatcher; targets: TargetSettings }> = async (app, { trials, targets }) => {
  app.post('/trials', {
    config: { access: 'operator' },
    schema: {
      tags: ['trials'],
      summary: 'Try one iteration of a plan',
      description:
        'Runs a single iteration of `plan` (saved or not) with one virtual user on one idle worker, through the generator a run uses, and answers its trace: ' +
        'each HTTP step sent, in order, with the request as written on the connection (method, URL, headers, body excerpt), the response (status, headers, body excerpt, size, latency) or the error, ' +
        'what each extraction took and each check’s outcome; also each think step and the branch each `if` took. Bodies are cut at 4 KB (`bodyTruncated`). ' +
        'Nothing is stored and no run is created; the requests do reach the target. ' +
        '400 names each field of the plan that cannot run (`plan.steps[0].url`); 409 when no worker is idle (every one is running a run, or none is connected); ' +
        '504 when the worker did not answer within `iterationSeconds` and a few seconds more. A trace whose `failure` is set tells why the iteration did not run or not to its end.',
      body: TrialBodySchema,
      response: { 200: TrialResourceSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, 503: ErrorBodySchema, 504: ErrorBodySchema },
    },
    handler: async (request) => {
      const { plan, timeoutSeconds, iterationSeconds } = request.body;
      // A trial sends requests as a run does: its targets are checked as a run's are when it starts.
      const issues = (await runIssues(plan, targets)).map((issue) => ({ ...issue, path: `plan.${issue.path}` }));
      if (issues.length > 0) throw badRequest(describeTargetIssues(issues), issues);
      const outcome = await trials.run({ plan, timeoutSeconds, iterationSeconds });
      switch (outcome.kind) {
        case 'answered':
          return redactSecretValues(outcome.trial, plan);
        case 'no-worker':
          throw conflict('no idle worker to try the plan on: every connected worker is running a run, or none is connected (GET /api/v1/workers)');
        case 'timed-out':
          throw gatewayTimeout(`worker ${outcome.workerId} did not answer the trial within ${Math.round(outcome.waitedMs / 1000)} s`);
        case 'not-sent':
          throw unavailable(`the trial could not be sent to worker ${outcome.workerId}: ${outcome.reason}`);
      }
    },
  });
};
