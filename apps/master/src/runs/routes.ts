import { summarizeMerged } from '@loadtest/metrics';
import {
  ErrorBodySchema,
  IdParamsSchema,
  RangeSummarySchema,
  RunListQuerySchema,
  RunListSchema,
  RunResourceSchema,
  SummaryQuerySchema,
  TIMELINE_BUCKETS,
  TimelineQuerySchema,
  TimelineSchema,
} from '@loadtest/protocol';
import { actorOf, type AuditLog } from '../audit/audit-record.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../http/errors.js';
import type { RunOrchestrator } from './orchestrator.js';
import type { RunRepository } from './run-repository.js';
import { listRuns, RUN_LIST_DESCRIPTION } from './run-list.js';
import { runResource, type StoredWindowsMerge } from './run-resource.js';
import { TimelineBuckets } from '@loadtest/metrics';

export interface RunRoutesOptions {
  runs: RunRepository;
  orchestrator: RunOrchestrator;
  /** A live run's windows merged so far (ActiveRunTotals). */
  totals: StoredWindowsMerge;
  audit: AuditLog;
}

export const runRoutes: FastifyPluginAsyncZod<RunRoutesOptions> = async (app, { runs, orchestrator, totals, audit }) => {
  const tags = ['runs'];

  app.get('/runs', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'List runs, newest first, a page at a time, filtered by plan, state, verdict and creation time',
      description: `${RUN_LIST_DESCRIPTION} \`planId\` keeps one plan's runs.`,
      querystring: RunListQuerySchema,
      response: { 200: RunListSchema, 400: ErrorBodySchema },
    },
    handler: async (request) => listRuns(request.query, { runs, windows: totals, liveOutcomes: (id) => orchestrator.liveThresholdOutcomes(id) }),
  });

  app.get('/runs/:id', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Read a run: state, load, per-worker shares and summary',
      description:
        "A live run's summary is its windows stored so far, merged as they arrive (the same figures a re-merge of them gives); an ended run's, the one recorded at its end.",
      params: IdParamsSchema,
      response: { 200: RunResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const run = await runs.get(request.params.id);
      if (!run) throw notFound('run', request.params.id);
      return runResource(run, totals, orchestrator.liveThresholdOutcomes(run.id));
    },
  });

  app.get('/runs/:id/timeline', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: "A run's timeline: per-second windows merged over the workers, in buckets of 1 s, 5 s or 1 min",
      description:
        "Re-aggregated exactly from the stored per-worker windows. `bucket` is 1s, 5s or 1m (by default the run's own: 1m for a SOAK, else 1s); `step` is its deprecated alias. `name` keeps one step (request) of the plan, `worker` one worker.",
      params: IdParamsSchema,
      querystring: TimelineQuerySchema,
      response: { 200: TimelineSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      const { name, worker } = request.query;
      const run = await runs.get(id);
      if (!run) throw notFound('run', id);
      // By default, the bucket the run reports in: 1 min for a SOAK, 1 s otherwise.
      const bucketSeconds = TIMELINE_BUCKETS[request.query.bucket ?? request.query.step ?? run.load.reportEvery];
      const timeline = new TimelineBuckets(bucketSeconds, name);
      await runs.forEachWindow(id, worker ? { workerId: worker } : {}, (window) => timeline.add(window));
      return { runId: id, bucketSeconds, points: timeline.finish() };
    },
  });

  app.get('/runs/:id/summary', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Summary of any time range of a run, of one step, of one worker',
      description:
        'Re-aggregated exactly from the stored per-worker windows: histograms are added, never averaged. `from` and `to` are seconds since the run started (`to` exclusive).',
      params: IdParamsSchema,
      querystring: SummaryQuerySchema,
      response: { 200: RangeSummarySchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      const { from, to, name, worker } = request.query;
      if ((await runs.state(id)) === null) throw notFound('run', id);
      const merged = await runs.mergeStored(
        id,
        { ...(worker ? { workerId: worker } : {}), ...(from !== undefined ? { fromSecond: from } : {}), ...(to !== undefined ? { toSecond: to } : {}) },
        name === undefined ? {} : { step: name },
      );
      return {
        runId: id,
        from: from ?? null,
        to: to ?? null,
        name: name ?? null,
        worker: worker ?? null,
        windows: merged.windows,
        summary: summarizeMerged(merged),
      };
    },
  });

  app.post('/runs/:id/stop', {
    config: { access: 'operator' },
    schema: {
      tags,
      summary: 'Stop a run',
      description: 'Sends a stop to every worker of the run. 409 when the run has already ended.',
      params: IdParamsSchema,
      response: { 202: RunResourceSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const run = await orchestrator.stopRun(request.params.id);
      await audit.record({
        ...actorOf(request),
        action: 'run.stopped',
        subjectType: 'run',
        subjectId: run.id,
        details: { planId: run.planId, state: run.state },
      });
      return reply.status(202).send(await runResource(run, totals));
    },
  });
};
