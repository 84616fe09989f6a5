import { runPeaks } from '@loadtest/execution';
import type { Plan, RunLoad } from '@loadtest/protocol';
import { planTargetUrls } from '../targets/plan-targets.js';

/** The target hosts of a plan, as written (a templated host stays a template): where the run sends load. */
function targetHosts(plan: Plan): string[] {
  const hosts = new Set<string>();
  for (const { url } of planTargetUrls(plan)) {
    try {
      hosts.add(new URL(url).host);
    } catch {
      hosts.add(url);
    }
  }
  return [...hosts].sort();
}

/** What the audit log keeps of a run's start: its plan, target hosts, peak load and length, and its workers. */
export function runStartDetails(planId: string, plan: Plan, load: RunLoad, workers: number): Record<string, unknown> {
  const peaks = runPeaks(load);
  return { planId, plan: plan.name, targetHosts: targetHosts(plan), peakVus: peaks.vus, peakRate: peaks.rate, durationSeconds: peaks.durationSeconds, workers };
}
