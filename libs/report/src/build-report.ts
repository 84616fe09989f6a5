import {
  REPORT_FORMAT_VERSION,
  type LatencyDistribution,
  type ReportCheck,
  type ReportPlan,
  type ReportThreshold,
  type RunReport,
  type RunResource,
  type StepSummary,
  type Timeline,
} from '@loadtest/protocol';
import { distributionFromPercentiles } from './latency-distribution.js';
import { planOutline, type PlanSnapshot } from './plan-outline.js';

/**
 * What a report is made of: what the master knows of a run (or the CLI of the run it ran itself). Every part is
 * what the API gives: the run (`GET /runs/:id`), its timeline (`GET /runs/:id/timeline`), each share's figures
 * (`GET /runs/:id/summary?worker=`), and the plan the run ran.
 */
export interface RunReportInput {
  run: RunResource;
  /** The plan as the run ran it (the run's snapshot): only its name, base URL, HTTP steps and checks are reported. */
  plan: PlanSnapshot;
  timeline: Pick<Timeline, 'bucketSeconds' | 'points'>;
  /** Each share's figures by share id (`RunResource.workers[].shareId`); a share with none stored no window. */
  workerSummaries: ReadonlyMap<string, StepSummary>;
  /**
   * The response-time distribution counted from the run's merged histogram (distributionFromHistogram); without
   * it, it is estimated from the summary's percentiles.
   */
  latencyDistribution?: LatencyDistribution | null;
  /** When the report is made; now by default. */
  generatedAt?: Date;
}

/** Each threshold with its outcome: outcomes come in the thresholds' order, or are matched by expression and step. */
function thresholdsOf(run: RunResource): ReportThreshold[] {
  const inOrder = run.thresholdResults.length === run.thresholds.length;
  return run.thresholds.map((spec, i) => {
    const step = spec.step ?? null;
    const outcome = inOrder ? run.thresholdResults[i] : run.thresholdResults.find((o) => o.expression === spec.expression && o.step === step);
    return {
      expression: spec.expression,
      step,
      abortOnFail: spec.abortOnFail,
      ok: outcome?.ok ?? null,
      value: outcome?.value ?? null,
      display: outcome?.display ?? '',
    };
  });
}

/**
 * The checks, one line per step: each step the plan gives checks, in the plan's order, then any other step
 * that counted some (an extraction that matched nothing counts as a failed check of its step).
 */
function checksOf(plan: ReportPlan, run: RunResource): ReportCheck[] {
  const steps = run.summary?.steps ?? {};
  const lines = new Map<string, ReportCheck>();
  const line = (step: string, checks: string[]): ReportCheck => {
    const counts = steps[step]?.checks ?? { passed: 0, failed: 0 };
    return { step, checks, passed: counts.passed, failed: counts.failed, ok: counts.failed === 0 };
  };
  for (const step of plan.steps) if (step.checks.length > 0 && !lines.has(step.name)) lines.set(step.name, line(step.name, step.checks));
  for (const [name, summary] of Object.entries(steps))
    if (!lines.has(name) && summary.checks.passed + summary.checks.failed > 0) lines.set(name, line(name, []));
  return [...lines.values()];
}

/** A run's report: the data behind the JSON, HTML and JUnit reports (docs/report-format.md). */
export function buildRunReport(input: RunReportInput): RunReport {
  const { run } = input;
  const plan = planOutline(input.plan);
  const summary = run.summary;
  const latencyDistribution =
    input.latencyDistribution !== undefined ? input.latencyDistribution : distributionFromPercentiles(summary?.latencyMicros ?? null, summary?.requests ?? 0);
  return {
    reportFormat: REPORT_FORMAT_VERSION,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    run: {
      id: run.id,
      planId: run.planId,
      planName: plan.name,
      state: run.state,
      verdict: run.verdict,
      createdAt: run.createdAt,
      startAt: run.startAt,
      endedAt: run.endedAt,
      error: run.error,
    },
    plan,
    load: run.load,
    summary,
    thresholds: thresholdsOf(run),
    checks: checksOf(plan, run),
    workers: run.workers.map((worker) => ({ ...worker, summary: input.workerSummaries.get(worker.shareId) ?? null })),
    timeline: { bucketSeconds: input.timeline.bucketSeconds, points: input.timeline.points },
    latencyDistribution,
  };
}
