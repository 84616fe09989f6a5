import type { StepResult } from './report.js';
import { round } from './stats.js';

/** Aggregation of several runs of the whole ladder into the headline figures: medians, and the spread between runs. */

/** Median of the values (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The lower of the two middle values for an even count: a value that was measured (a worker count that was tried). */
export function lowerMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
  /** One per run, in run order; null where the run did not measure it. */
  values: (number | null)[];
}

export function spreadOf(values: readonly (number | null)[], digits = 3): Spread {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    median: round(median(known), digits),
    min: known.length > 0 ? round(Math.min(...known), digits) : null,
    max: known.length > 0 ? round(Math.max(...known), digits) : null,
    values: [...values],
  };
}

/** The figures quoted for a step (per run, and as medians). */
export interface StepFigures {
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  masterCpuCores: number | null;
  masterRssMb: number | null;
  masterRssPeakMbWithSummary: number | null;
  bytesPerWorkerHour: number | null;
  /** From the POST /plans/:id/runs to the last simulated worker receiving its assignment, ms. */
  assignMs: number | null;
  /** Cores the whole machine kept busy during the steady part of the step (/proc/stat). */
  machineBusyCores: number | null;
}

export const FIGURES: readonly (keyof StepFigures)[] = [
  'latencyP50Ms',
  'latencyP99Ms',
  'masterCpuCores',
  'masterRssMb',
  'masterRssPeakMbWithSummary',
  'bytesPerWorkerHour',
  'assignMs',
  'machineBusyCores',
];

export function figuresOf(step: StepResult | undefined): StepFigures {
  return {
    latencyP50Ms: step?.latency.p50Ms ?? null,
    latencyP99Ms: step?.latency.p99Ms ?? null,
    masterCpuCores: step?.master.cpuCoresMean ?? null,
    masterRssMb: step?.master.rssMbPeakDuringRun ?? null,
    masterRssPeakMbWithSummary: step?.master.rssMbPeak ?? null,
    bytesPerWorkerHour: step?.database.bytesPerWorkerHour ?? null,
    assignMs: step?.timings.assignmentsArrivedMs.last ?? null,
    machineBusyCores: step?.machineLoad.busyCores ?? null,
  };
}

/** Largest worker count a run sustained; 0 when none. */
export function workersSustainedIn(steps: readonly StepResult[]): number {
  return Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.workers));
}

/** Largest count whose windows were all ingested within the limits in a run, even if the run then did not end properly. */
export function workersIngestSustainedIn(steps: readonly StepResult[]): number {
  return Math.max(0, ...steps.filter((s) => s.ingestOk).map((s) => s.workers));
}

/**
 * The step the headline figures come from: the median over the runs of the
 * largest count each sustained (the lower middle one for an even number of
 * runs, so that it is a count that was tried), or — when that is 0 — the
 * smallest count tried. Null when nothing ran.
 */
export function headlineWorkers(runs: readonly (readonly StepResult[])[]): { workers: number; sustained: boolean } | null {
  const sustained = lowerMedian(runs.map(workersSustainedIn));
  if (sustained !== null && sustained > 0) return { workers: sustained, sustained: true };
  const tried = runs.flat().map((s) => s.workers);
  return tried.length > 0 ? { workers: Math.min(...tried), sustained: false } : null;
}

/** A run's step at `workers` (the first of the ladder's, not a refinement's repeat), if it ran one. */
export function stepAt(steps: readonly StepResult[], workers: number): StepResult | undefined {
  return steps.find((s) => s.workers === workers);
}

export interface RunHeadline extends StepFigures {
  run: number;
  workersSustained: number;
  workersIngestSustained: number;
  /** The headline step's machine load in cores, by process group. */
  machineLoad: MachineLoad | null;
}

export interface MachineLoad {
  busyCores: number | null;
  master: number | null;
  simulators: number | null;
  broker: number | null;
  postgres: number | null;
  bench: number | null;
  other: number | null;
}

export interface WorkersFigures {
  workers: number;
  runsTried: number;
  runsSustained: number;
  figures: Record<keyof StepFigures, Spread>;
}

export interface RunsAggregate {
  headline: { workers: number; sustained: boolean } | null;
  workersSustained: Spread;
  workersIngestSustained: Spread;
  /** Medians over the runs of the figures at the headline step. */
  figures: Record<keyof StepFigures, Spread>;
  runs: RunHeadline[];
  /** Every worker count tried, in ladder order, with the medians and spread of its figures over the runs. */
  byWorkers: WorkersFigures[];
}

function spreads(steps: readonly (StepResult | undefined)[]): Record<keyof StepFigures, Spread> {
  const figures = steps.map(figuresOf);
  const out = {} as Record<keyof StepFigures, Spread>;
  for (const f of FIGURES) out[f] = spreadOf(figures.map((x) => x[f]));
  return out;
}

/** Headline figures of N runs of the ladder: medians at the headline step, min–max between runs, and every count's figures. */
export function aggregateRuns(runs: readonly (readonly StepResult[])[]): RunsAggregate {
  const headline = headlineWorkers(runs);
  const atHeadline = runs.map((steps) => (headline ? stepAt(steps, headline.workers) : undefined));
  const counts: number[] = [];
  for (const s of runs.flat()) if (!counts.includes(s.workers)) counts.push(s.workers);
  return {
    headline,
    workersSustained: spreadOf(runs.map(workersSustainedIn), 0),
    workersIngestSustained: spreadOf(runs.map(workersIngestSustainedIn), 0),
    figures: spreads(atHeadline),
    runs: runs.map((steps, i) => {
      const step = atHeadline[i];
      return {
        run: i + 1,
        workersSustained: workersSustainedIn(steps),
        workersIngestSustained: workersIngestSustainedIn(steps),
        ...figuresOf(step),
        machineLoad: step ? { ...step.machineLoad } : null,
      };
    }),
    byWorkers: counts.map((workers) => {
      const steps = runs.map((r) => stepAt(r, workers));
      return {
        workers,
        runsTried: steps.filter((s) => s !== undefined).length,
        runsSustained: steps.filter((s) => s?.passed).length,
        figures: spreads(steps),
      };
    }),
  };
}
