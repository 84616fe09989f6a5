import { LoadPlanError, resolveLoad } from '@loadtest/execution';
import { plannedLoad, type PlannedLoad } from '../charts/planned-load.js';
import { checkThresholdSpecs } from '@loadtest/metrics/thresholds';
import { fieldIssues, StartRunBodySchema, type FieldIssue, type OnWorkerLoss, type RunLoad, type StartRunBody } from '@loadtest/protocol';

/** What the launch form edits: numbers as typed (text), so that a half-typed field is kept, not lost. */
export type ExecutorChoice = 'constant-vus' | 'ramping-vus' | 'constant-arrival-rate' | 'ramping-arrival-rate' | 'preset';
export const EXECUTOR_CHOICES: readonly ExecutorChoice[] = ['constant-vus', 'ramping-vus', 'constant-arrival-rate', 'ramping-arrival-rate', 'preset'];
export const PRESETS = ['LOAD', 'STRESS', 'SPIKE', 'SOAK'] as const;

export interface StageDraft {
  duration: string;
  target: string;
}

export interface ScenarioDraft {
  name: string;
  executor: ExecutorChoice;
  startTime: string;
  /** constant-vus, preset */
  vus: string;
  /** constant-vus, constant-arrival-rate, preset (optional there) */
  duration: string;
  /** constant-arrival-rate */
  rate: string;
  /** ramping-arrival-rate */
  startRate: string;
  /** ramping-vus */
  startVUs: string;
  /** the open models */
  maxVUs: string;
  /** ramping models */
  stages: StageDraft[];
  preset: (typeof PRESETS)[number];
}

export interface ThresholdDraft {
  expression: string;
  /** Empty: the whole run. */
  step: string;
  abortOnFail: boolean;
}

export interface LaunchDraft {
  scenarios: ScenarioDraft[];
  thresholds: ThresholdDraft[];
  onWorkerLoss: OnWorkerLoss;
  timeoutSeconds: string;
}

export function newScenario(index: number, executor: ExecutorChoice = 'constant-vus'): ScenarioDraft {
  return {
    name: index === 0 ? 'default' : `scenario-${index + 1}`,
    executor,
    startTime: '0',
    vus: '10',
    duration: '30',
    rate: '50',
    startRate: '0',
    startVUs: '0',
    maxVUs: '50',
    stages: [
      { duration: '10', target: '20' },
      { duration: '20', target: '20' },
    ],
    preset: 'LOAD',
  };
}

export const newDraft = (): LaunchDraft => ({ scenarios: [newScenario(0)], thresholds: [], onWorkerLoss: 'rebalance', timeoutSeconds: '10' });

/** A typed number, or the text itself when it is not one: the schema then names the field and what is wrong. */
function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

const stagesOf = (stages: StageDraft[]) => stages.map((stage) => ({ duration: numberOf(stage.duration), target: numberOf(stage.target) }));

/** The scenario as the API takes it: only its executor's fields. */
function scenarioBody(draft: ScenarioDraft): Record<string, unknown> {
  const common = { name: draft.name, startTime: numberOf(draft.startTime) };
  switch (draft.executor) {
    case 'constant-vus':
      return { ...common, executor: draft.executor, vus: numberOf(draft.vus), duration: numberOf(draft.duration) };
    case 'ramping-vus':
      return { ...common, executor: draft.executor, startVUs: numberOf(draft.startVUs), stages: stagesOf(draft.stages) };
    case 'constant-arrival-rate':
      return { ...common, executor: draft.executor, rate: numberOf(draft.rate), duration: numberOf(draft.duration), maxVUs: numberOf(draft.maxVUs) };
    case 'ramping-arrival-rate':
      return { ...common, executor: draft.executor, startRate: numberOf(draft.startRate), stages: stagesOf(draft.stages), maxVUs: numberOf(draft.maxVUs) };
    case 'preset':
      return { ...common, executor: draft.executor, preset: draft.preset, vus: numberOf(draft.vus), duration: numberOf(draft.duration) };
    default:
      return draft.executor satisfies never;
  }
}

/** The body of `POST /plans/:id/runs` for the draft (not yet validated). */
export function requestBody(draft: LaunchDraft): unknown {
  return {
    scenarios: draft.scenarios.map(scenarioBody),
    thresholds: draft.thresholds.map((t) => ({ expression: t.expression, ...(t.step ? { step: t.step } : {}), abortOnFail: t.abortOnFail })),
    onWorkerLoss: draft.onWorkerLoss,
    timeoutSeconds: numberOf(draft.timeoutSeconds),
  };
}

export type DraftCheck = { ok: true; body: StartRunBody; load: RunLoad; planned: PlannedLoad } | { ok: false; issues: FieldIssue[] };

/**
 * Checks the draft as the master will: the same zod schema (libs/protocol), the same threshold parser
 * (libs/metrics) and the same load resolution (libs/execution), so that what the form accepts the API accepts,
 * and each problem is named by the same path the API's 400 would use (e.g. `scenarios[0].rate`).
 * The plan's steps are known here: a threshold naming another step is flagged too.
 */
export function checkDraft(draft: LaunchDraft, planSteps: readonly string[]): DraftCheck {
  const parsed = StartRunBodySchema.safeParse(requestBody(draft));
  const issues: FieldIssue[] = parsed.success ? [] : fieldIssues(parsed.error);
  // The master's own check (libs/metrics): malformed expressions and steps the plan does not have.
  const specs = draft.thresholds.map((t) => ({ expression: t.expression, ...(t.step ? { step: t.step } : {}) }));
  for (const issue of checkThresholdSpecs(specs, planSteps).issues) {
    if (!issues.some((known) => known.path === issue.path)) issues.push(issue);
  }
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  try {
    const load = resolveLoad(parsed.data);
    return { ok: true, body: parsed.data, load, planned: plannedLoad(load) };
  } catch (error) {
    if (error instanceof LoadPlanError) return { ok: false, issues: error.issues };
    throw error;
  }
}
