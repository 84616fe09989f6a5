import type { FieldIssue, LoadModel, LoadRequest, ReportBucket, RunLoad, Scenario, ScenarioInput, Segment } from '@loadtest/protocol';
import { constantLoad } from '@loadtest/protocol';
import { isClosedModel, modelDuration } from './plan.js';
import { DEFAULT_GRACEFUL_STOP_SECONDS } from './graceful-stop.js';
import { expandPreset, presetMinimumDuration, PRESET_DEFAULT_DURATION } from './presets.js';
import { segmentFraction, segmentShare } from './segment.js';

/** A load request that cannot be run, with each reason at its field. */
export class LoadPlanError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`the load cannot be run: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'LoadPlanError';
  }
}

/** Seconds from the run's start to the scenario's end. */
export function scenarioEnd(scenario: LoadModel): number {
  return scenario.startTime + modelDuration(scenario);
}

/** The most connections the scenario keeps busy at once over the whole run: its peak VUs, or `maxVUs`. */
export function peakConcurrency(scenario: LoadModel): number {
  switch (scenario.executor) {
    case 'constant-vus':
      return scenario.vus;
    case 'ramping-vus':
      return Math.max(scenario.startVUs, ...scenario.stages.map((s) => s.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return scenario.maxVUs;
  }
}

/** The most the scenario ever asks of the run: VUs, or requests per second for an open model. */
function peakDemand(scenario: LoadModel): number {
  switch (scenario.executor) {
    case 'constant-arrival-rate':
      return scenario.rate;
    case 'ramping-arrival-rate':
      return Math.max(scenario.startRate, ...scenario.stages.map((s) => s.target));
    case 'constant-vus':
    case 'ramping-vus':
      return peakConcurrency(scenario);
  }
}

/**
 * The connections one segment needs for a scenario: the largest share it gets
 * at any VU count up to the peak (shares are exact but not monotonic in the
 * total, so the share of the peak is not always the largest), or its share of `maxVUs`.
 */
export function segmentConnections(segment: Segment, scenario: LoadModel): number {
  const peak = peakConcurrency(scenario);
  if (!isClosedModel(scenario)) return segmentShare(segment, peak);
  // share(v) stays within one of length × v, so no count below peak − 2 / length can beat the peak's share.
  const length = segmentFraction(segment);
  if (length <= 0) return 0;
  const lowest = Math.max(1, peak - Math.ceil(2 / length) - 1);
  // share(v) = ceil(to·v) − ceil(from·v) ≤ ceil(length·v), which falls with v: counting down from the peak, the
  // first count whose bound cannot beat the best so far ends the search. A few steps, where counting up through
  // every candidate took 2/length of them (2000 per worker of a 1000-worker run: 5.6 s to admit it).
  const lengthNum = BigInt(segment.to.num) * BigInt(segment.from.den) - BigInt(segment.from.num) * BigInt(segment.to.den);
  const lengthDen = BigInt(segment.to.den) * BigInt(segment.from.den);
  let most = 0;
  for (let vus = peak; vus >= lowest; vus--) {
    const bound = Number((lengthNum * BigInt(vus) + lengthDen - 1n) / lengthDen);
    if (bound <= most) break;
    most = Math.max(most, segmentShare(segment, vus));
  }
  return most;
}

function expand(input: ScenarioInput, index: number, issues: FieldIssue[]): Scenario {
  if (input.executor !== 'preset') return { ...input, gracefulStop: input.gracefulStop ?? DEFAULT_GRACEFUL_STOP_SECONDS };
  const { name, startTime, gracefulStop = DEFAULT_GRACEFUL_STOP_SECONDS, executor: _preset, ...preset } = input;
  const duration = preset.duration ?? PRESET_DEFAULT_DURATION[preset.preset];
  const minimum = presetMinimumDuration(preset);
  if (duration < minimum) {
    issues.push({
      path: `scenarios[${index}].duration`,
      message: `${preset.preset} with these settings needs at least ${minimum} s (one per stage), got ${duration}`,
    });
  }
  if (duration < minimum) return { ...expandPreset({ ...preset, duration: minimum }), name, startTime, gracefulStop };
  return { ...expandPreset(preset), name, startTime, gracefulStop };
}

/**
 * Turns a run request's load into the load that is run and stored: presets
 * expanded into their stages (the preset is kept beside them), every
 * scenario's gracefulStop stated (10 s unless given), the run's
 * length, and its reporting bucket (1m when a SOAK is part of it).
 * Throws `LoadPlanError` with each problem at its field.
 */
export function resolveLoad(request: LoadRequest): RunLoad {
  if (!request.scenarios) {
    const load = constantLoad(request.connections!, request.durationSeconds!, request.timeoutSeconds);
    const gracefulStop = request.gracefulStop ?? DEFAULT_GRACEFUL_STOP_SECONDS;
    return { ...load, scenarios: load.scenarios.map((scenario) => ({ ...scenario, gracefulStop })), onWorkerLoss: request.onWorkerLoss };
  }
  const issues: FieldIssue[] = [];
  const scenarios = request.scenarios.map((input, index) => expand(input, index, issues));
  scenarios.forEach((scenario, index) => {
    if (peakDemand(scenario) <= 0) issues.push({ path: `scenarios[${index}].stages`, message: 'every target is 0: the scenario would send nothing' });
  });
  if (issues.length > 0) throw new LoadPlanError(issues);
  const soak = request.scenarios.some((s) => s.executor === 'preset' && s.preset === 'SOAK');
  const reportEvery: ReportBucket = soak ? '1m' : '1s';
  return {
    scenarios,
    durationSeconds: Math.max(...scenarios.map(scenarioEnd)),
    timeoutSeconds: request.timeoutSeconds,
    reportEvery,
    onWorkerLoss: request.onWorkerLoss,
  };
}

/** How many workers a run can use: every worker must get at least one connection of every scenario. */
export function usableWorkers(load: RunLoad, available: number): number {
  return Math.max(0, Math.min(available, ...load.scenarios.map(peakConcurrency)));
}
