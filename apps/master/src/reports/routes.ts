import { ErrorBodySchema, IdParamsSchema, RunReportSchema, type RunReport } from '@loadtest/protocol';
import { renderReportHtml, renderReportJunit } from '@loadtest/report';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hostname } from 'node:os';
import { z } from 'zod';
import { notFound } from '../http/errors.js';
import { runReportOf, type RunReportSources } from './report-data.js';

export type ReportRoutesOptions = RunReportSources;

/**
 * The report page loads nothing and runs nothing: a policy stricter than the dashboard's, so that a browser
 * would refuse anything a report might (wrongly) ask for, and nothing in it can run.
 */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/** `run-<first 8 of the id>-report.<ext>`: a name that tells runs apart in a downloads folder. */
const fileName = (report: RunReport, extension: string) => `run-${report.run.id.slice(0, 8)}-report.${extension}`;

/**
 * A run's report in three forms, made by libs/report (the same code as the CLI's `loadtest report`): the HTML
 * page (shown in the browser), the JSON (RunReportSchema, docs/report-format.md) and JUnit XML (downloaded).
 */
export const reportRoutes: FastifyPluginAsyncZod<ReportRoutesOptions> = async (app, sources) => {
  const tags = ['runs'];
  const find = async (id: string) => {
    const report = await runReportOf(id, sources);
    if (!report) throw notFound('run', id);
    return report;
  };

  app.get('/runs/:id/report.html', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: "A run's report as one self-contained HTML page",
      description:
        'Charts of requests/s, latency percentiles and errors over time and of the response-time distribution, per-step and per-worker tables, thresholds, checks, the load model and the run. One file with inline styles and SVG: no script, and nothing fetched, so it opens offline.',
      params: IdParamsSchema,
      response: { 200: { description: 'The report page', content: { 'text/html': { schema: z.string() } } }, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const report = await find(request.params.id);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-disposition', `inline; filename="${fileName(report, 'html')}"`)
        .header('content-security-policy', REPORT_CSP)
        .send(renderReportHtml(report));
    },
  });

  app.get('/runs/:id/report.json', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: "A run's report as JSON: summary, timeline, thresholds, checks, workers, load and plan outline",
      description: 'The data behind the HTML and JUnit reports, in the documented format (reportFormat 1, docs/report-format.md).',
      params: IdParamsSchema,
      response: { 200: RunReportSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const report = await find(request.params.id);
      return reply.header('content-disposition', `attachment; filename="${fileName(report, 'json')}"`).send(report);
    },
  });

  app.get('/runs/:id/report.xml', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: "A run's report as JUnit XML: a test case per threshold and per step with checks",
      description:
        "One test suite for the run; a threshold that failed is a failure with its expression and value, a step whose checks failed one with the counts; a threshold not judged (the run has not ended) or a step's checks never run are skipped. Valid against the Ant/Jenkins JUnit XSD.",
      params: IdParamsSchema,
      response: { 200: { description: 'JUnit XML', content: { 'application/xml': { schema: z.string() } } }, 400: ErrorBodySchema, 404: ErrorBodySchema },
    },
    handler: async (request, reply) => {
      const report = await find(request.params.id);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(report, 'xml')}"`)
        .send(renderReportJunit(report, { hostname: hostname() }));
    },
  });
};
