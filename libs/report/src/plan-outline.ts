import { walkFlow, type Check, type ReportPlan, type ReportPlanStep } from '@loadtest/protocol';

/** What the report needs of the plan the run ran; a run's snapshot of a plan from before v1 may hold `requests` and `path`. */
export interface PlanSnapshot {
  name: string;
  baseUrl: string;
  steps?: unknown;
  /** Plans from before v1 named their flow `requests`. */
  requests?: unknown;
}

/** A check in words, as a report lists it: its own name when it has one. */
export function describeCheck(check: Partial<Check>): string {
  if (check.name) return check.name;
  if (check.status) return `status in ${check.status.join(', ')}`;
  if (check.bodyContains !== undefined) return `body contains ${JSON.stringify(check.bodyContains)}`;
  if (check.jsonPath !== undefined) return `${check.jsonPath} equals ${JSON.stringify(check.equals)}`;
  if (check.header !== undefined) return `header ${check.header} matches ${check.matches ?? ''}`;
  if (check.latencyBelowMs !== undefined) return `latency below ${check.latencyBelowMs} ms`;
  return 'check';
}

/** The base URL without a user name or password: a report is passed around, credentials must not travel with it. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The plan as a report shows it: its name, base URL and HTTP steps with their checks, nothing else. Headers,
 * variables and bodies are left out: they may hold secrets, which never reach a report.
 */
export function planOutline(plan: PlanSnapshot): ReportPlan {
  const steps: ReportPlanStep[] = [];
  for (const { step } of walkFlow(plan.steps ?? plan.requests)) {
    const kind = step.kind ?? (step.method !== undefined ? 'http' : undefined);
    if (kind !== 'http') continue;
    const checks = Array.isArray(step.checks) ? (step.checks as Partial<Check>[]).map(describeCheck) : [];
    steps.push({ name: text(step.name) ?? '', method: text(step.method) ?? 'GET', url: text(step.url) ?? text(step.path) ?? '', checks });
  }
  return { name: plan.name, baseUrl: withoutCredentials(plan.baseUrl), steps };
}
