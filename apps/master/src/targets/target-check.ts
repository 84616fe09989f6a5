import type { FieldIssue } from '@loadtest/protocol';
import { targetPolicyFromEnv, type Allowlist, type Lookup } from '@loadtest/targets';
import { planTargetIssues, resolvedTargetIssues } from './plan-targets.js';

/** The master's target allowlist and resolver (tests inject one). */
export interface TargetSettings {
  readonly allowlist: Allowlist;
  readonly lookup?: Lookup;
}

/** The settings of a master built without explicit ones: its environment's (LOADTEST_TARGET_ALLOWLIST, or the mode's default). */
export function targetSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TargetSettings {
  return { allowlist: targetPolicyFromEnv(env).allowlist };
}

/** Why the plan's targets are refused, in one line naming each field and host. */
export function describeTargetIssues(issues: readonly FieldIssue[]): string {
  return `the plan's targets are refused: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
}

/** Checks a plan's targets when it is saved (no DNS): the issues, empty when every one is allowed. */
export const saveIssues = (plan: { baseUrl: unknown; steps: unknown }, settings: TargetSettings): FieldIssue[] => planTargetIssues(plan, settings.allowlist);

/** Checks a plan's targets when a run starts (every address resolved and checked). */
export const runIssues = (plan: { baseUrl: unknown; steps: unknown }, settings: TargetSettings): Promise<FieldIssue[]> =>
  resolvedTargetIssues(plan, settings.allowlist, settings.lookup);
