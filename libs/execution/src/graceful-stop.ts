import type { LoadModel, RunLoad } from '@loadtest/protocol';
import { modelDuration } from './plan.js';

/** k6's default: iterations in progress at a scenario's end get 10 s to finish. */
export const DEFAULT_GRACEFUL_STOP_SECONDS = 10;

/** The scenario's gracefulStop in seconds: its own, or the default (runs stored before the field have none). */
export function gracefulStopSeconds(scenario: LoadModel): number {
  return scenario.gracefulStop ?? DEFAULT_GRACEFUL_STOP_SECONDS;
}

/**
 * Seconds from the run's start by which every scenario has ended, its
 * iterations in progress included: the latest end plus gracefulStop. A run's
 * last windows can come this late; its watchdogs wait for it.
 */
export function drainEndSeconds(load: Pick<RunLoad, 'scenarios' | 'durationSeconds'>): number {
  return Math.max(load.durationSeconds, ...load.scenarios.map((scenario) => scenario.startTime + modelDuration(scenario) + gracefulStopSeconds(scenario)));
}
