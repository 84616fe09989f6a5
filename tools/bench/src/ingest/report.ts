import type { LogDigest } from './master.js';
import type { ProfileDigest } from './profile.js';
import type { CodeState } from './infra.js';
import { aggregateRuns, type MachineLoad, type RunsAggregate } from './runs.js';
import { linearFit, round, xAt } from './stats.js';

/** The master's default RUN_START_LEAD_MS (apps/master/src/config.ts), which the report compares the assignment times with. */
const MASTER_DEFAULT_START_LEAD_MS = 1500;

/** What one step of the ladder measured, as written into the JSON. */
export interface StepResult {
  /** Which run of the ladder (from 1) the step belongs to. */
  run: number;
  workers: number;
  durationSeconds: number;
  simulatorProcesses: number;
  runId: string | null;
  runState: string | null;
  runError: string | null;
  /** RUN_START_LEAD_MS the master ran with; null: the master's default (1500 ms when written). */
  startLeadMs: number | null;
  /** The code the step's master was started from. */
  code: CodeState | null;
  passed: boolean;
  /** Why the step did not pass (empty when it passed). */
  failures: string[];
  /**
   * The ingest path alone held: every window in the database, master CPU and
   * p99 within limits, every second's last live event complete and exact —
   * whether or not the master then managed to end the run.
   */
  ingestOk: boolean;
  windows: {
    expected: number;
    /** Reported by the simulators as handed to the broker. */
    published: number;
    /** Sum of the per-worker `windows` of GET /runs/:id. */
    storedPerApi: number | null;
    /** Windows of the run in run_window_packs (and legacy run_windows rows), read directly. */
    storedInDb: number | null;
    /** Workers whose stored windows differ from the duration (GET /runs/:id). */
    workersIncomplete: number | null;
    /** The same, read from the database. */
    workersIncompleteInDb: number | null;
  };
  /** The run's workers by share state, from GET /runs/:id at the end. */
  workerStates: Record<string, number> | null;
  requests: { published: number; summary: number | null; storedInDb: number | null };
  master: {
    cpuCoresMean: number | null;
    cpuCoresPeak: number | null;
    rssMbPeakDuringRun: number | null;
    /** Including the end of the run (merging every stored window into the summary). */
    rssMbPeak: number | null;
    killedFor: string | null;
  };
  latency: {
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
    samples: number;
    expectedSamples: number;
    /** (client, second) pairs for which no event arrived. */
    missingEvents: number;
    /** (client, second) pairs whose last event still missed some workers' windows. */
    incompleteEvents: number;
    /** (client, second) pairs whose last event's requests differ from what the simulators published for that second. */
    wrongTotals: number;
    wrongTotalExample: string | null;
    /** Seconds first sent before every window had arrived (at the master's live deadline)… */
    secondsFirstSentPartial: number;
    /** …and seconds sent again whole (`revision: true`). */
    secondsRevised: number;
    /** Median over the first and the last quarter of the run's seconds: growth means a backlog. */
    p50FirstQuarterMs: number | null;
    p50LastQuarterMs: number | null;
  };
  database: {
    bytesAdded: number | null;
    bytesPerWorkerHour: number | null;
    heapBytesAdded: number | null;
    indexBytesAdded: number | null;
    toastBytesAdded: number | null;
    meanDataBytes: number | null;
    meanRowBytes: number | null;
  };
  window: { meanEncodedBytes: number | null; meanMessageBytes: number | null; requestsPerWindow: number | null };
  simulators: {
    cpuCoresMean: number | null;
    maxPublishLagMs: number | null;
    confirmLagP50Ms: number | null;
    confirmLagP99Ms: number | null;
    /** Latest arrival of a run.assign after the run's start instant (> 0: the worker started late). */
    latestAssignmentLagMs: number | null;
    nacks: number;
  };
  cpuCoresMean: { broker: number | null; postgres: number | null; bench: number | null; machineBusy: number | null; other: number | null };
  /** Who kept the machine's cores busy during the steady part of the step, in cores (busyCores from /proc/stat). */
  machineLoad: MachineLoad;
  /** The machine before the step: busy cores (3 s mean) when it started, after waiting up to --quiet-wait-s for quiet. */
  machineBeforeStep: { busyCores: number | null; waitedMs: number };
  timings: {
    /** POST /plans/:id/runs round trip (stores the run, sends every assignment). */
    assignRequestMs: number | null;
    /** Mean CPU during that request. */
    assignCpuCores: { master: number | null; broker: number | null; postgres: number | null };
    /** When the first and the last worker received its assignment, ms after the request was sent (last: the step's assignMs). */
    assignmentsArrivedMs: { first: number | null; last: number | null };
    /** From the planned end (startAt + duration) to the run's end state. */
    endedAfterPlannedEndMs: number | null;
    stepSeconds: number;
  };
  masterLog: LogDigest;
  /** Only on the extra profiled run: where the master's main thread spent its CPU during the steady part. */
  profile?: ProfileDigest;
}

export interface Criteria {
  cpuLimit: number;
  p99LimitMs: number;
}

/** Why the ingest path did not hold: windows lost, CPU or latency over the limits, live events missing. */
export function judgeIngest(step: StepResult, criteria: Criteria): string[] {
  const failures: string[] = [];
  if (step.simulators.latestAssignmentLagMs !== null && step.simulators.latestAssignmentLagMs > 0)
    failures.push(`assignments reached some workers ${Math.round(step.simulators.latestAssignmentLagMs)} ms after the run's start instant`);
  if (step.windows.storedInDb !== step.windows.expected)
    failures.push(`the database holds ${step.windows.storedInDb ?? 'unknown'} of ${step.windows.expected} windows`);
  if (step.windows.workersIncompleteInDb !== null && step.windows.workersIncompleteInDb > 0)
    failures.push(`${step.windows.workersIncompleteInDb} workers do not have all ${step.durationSeconds} windows in the database`);
  if (step.requests.storedInDb !== step.requests.published)
    failures.push(`the database counts ${step.requests.storedInDb ?? 'unknown'} requests, ${step.requests.published} were published`);
  if (step.master.cpuCoresMean === null || step.master.cpuCoresMean >= criteria.cpuLimit)
    failures.push(`master CPU ${step.master.cpuCoresMean?.toFixed(2) ?? 'unknown'} cores ≥ ${criteria.cpuLimit}`);
  if (step.latency.p99Ms === null || step.latency.p99Ms >= criteria.p99LimitMs)
    failures.push(`latency p99 ${step.latency.p99Ms ?? 'unknown'} ms ≥ ${criteria.p99LimitMs} ms`);
  const l = step.latency;
  if (l.missingEvents > 0) failures.push(`${l.missingEvents} of ${l.expectedSamples} (client, second) live events never arrived`);
  if (l.incompleteEvents > 0) failures.push(`${l.incompleteEvents} (client, second) live events were never sent complete (missingWorkers > 0 to the last)`);
  if (l.wrongTotals > 0) failures.push(`${l.wrongTotals} seconds' last live event had the wrong requests (${l.wrongTotalExample ?? '?'})`);
  return failures;
}

/** Why the run did not end as it should: killed, not finished, summary or per-worker counts wrong. */
export function judgeRunEnd(step: StepResult): string[] {
  const failures: string[] = [];
  if (step.master.killedFor) failures.push(`master killed by the benchmark: ${step.master.killedFor}`);
  if (step.runState !== 'finished')
    failures.push(`run ended ${step.runState ?? 'not at all (timed out or master gone)'}${step.runError ? `: ${truncate(step.runError, 300)}` : ''}`);
  if (step.windows.storedPerApi !== step.windows.expected)
    failures.push(`GET /runs/:id shows ${step.windows.storedPerApi ?? 'unknown'} of ${step.windows.expected} windows`);
  if (step.windows.workersIncomplete !== null && step.windows.workersIncomplete > 0)
    failures.push(`GET /runs/:id: ${step.windows.workersIncomplete} workers without all ${step.durationSeconds} windows`);
  if (step.requests.summary !== step.requests.published)
    failures.push(`summary.requests ${step.requests.summary ?? 'missing'} ≠ ${step.requests.published} published`);
  return failures;
}

/** The reasons a step does not count as sustained; none means it passed. */
export function judgeStep(step: StepResult, criteria: Criteria): string[] {
  return [...judgeIngest(step, criteria), ...judgeRunEnd(step)];
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

export interface Goal {
  workers: number;
  latencyP99Ms: number;
  bytesPerWorkerHour: number;
  /** The master's mean CPU at `workers` workers. */
  masterCpuCores: number;
  /** From the POST to the last worker's assignment at `workers` workers, with the master's default RUN_START_LEAD_MS. */
  assignMs: number;
}

/** The issue's goals: 1000 workers, live p99 < 1 s, ≤ 1 MB (10^6 B) per worker-hour, master ≤ 0.1 core and assignments < 1 s at 1000. */
export const GOAL: Goal = { workers: 1000, latencyP99Ms: 1000, bytesPerWorkerHour: 1_000_000, masterCpuCores: 0.1, assignMs: 1000 };

/**
 * Where the benchmark falls short and what limits it, in words, from the
 * measurements only. Names the first failing step and the figures that point
 * at a bottleneck, plus the storage cost.
 */
export function describeLimits(steps: readonly StepResult[], criteria: Criteria, cores: number, goal: Goal = GOAL, profiled?: StepResult): string {
  const parts: string[] = [];
  const passed = steps.filter((s) => s.passed).sort((a, b) => a.workers - b.workers);
  const failed = steps.filter((s) => !s.passed).sort((a, b) => a.workers - b.workers);
  const best = passed[passed.length - 1];
  const firstFail = failed.find((s) => !best || s.workers > best.workers) ?? failed[0];
  parts.push(
    best
      ? `Sustained ${best.workers} workers${best.workers >= goal.workers ? ' (goal met)' : ` of the ${goal.workers} goal`}.`
      : `No step was sustained (goal ${goal.workers} workers).`,
  );
  const p = projection(steps, criteria);
  if (p.cpuFit) {
    parts.push(
      `Master CPU grows linearly with the workers: ${fmt(p.cpuFit.intercept, 2)} + ${fmt(p.cpuFit.slope * 1000, 2)} cores per 1000 workers (fit over ${p.points} steps), so it would reach ${criteria.cpuLimit} core at ≈${fmt(p.workersAtCpuLimit, 0)} workers;` +
        ` window-to-socket p99 grows by ${fmt(p.p99Fit ? p.p99Fit.slope * 1000 : null, 0)} ms per 1000 workers and would reach ${criteria.p99LimitMs} ms at ≈${fmt(p.workersAtP99Limit, 0)} workers.`,
    );
  }
  const ingestOnly = steps.filter((s) => s.ingestOk && !s.passed).sort((a, b) => b.workers - a.workers)[0];
  if (ingestOnly && (!best || ingestOnly.workers > best.workers)) {
    parts.push(
      `The ingest path alone held up to ${ingestOnly.workers} workers (every window stored, master ${fmt(ingestOnly.master.cpuCoresMean, 2)} cores, p99 ${fmt(ingestOnly.latency.p99Ms, 0)} ms), but the run could not be ended properly: ${judgeRunEnd(ingestOnly).join('; ')}.`,
    );
  }
  if (firstFail) parts.push(`${firstFail.workers} workers failed: ${firstFail.failures.join('; ')}.`);
  for (const step of failed) parts.push(...bottlenecks(step, criteria, cores).map((b) => `At ${step.workers} workers: ${b}.`));
  const assigned = [...steps].filter((s) => s.timings.assignmentsArrivedMs.last !== null).sort((a, b) => a.workers - b.workers);
  if (assigned.length > 0) {
    const each = assigned
      .map((s) => `${s.workers} workers ${fmt(s.timings.assignmentsArrivedMs.last, 0)} ms (request ${fmt(s.timings.assignRequestMs, 0)} ms)`)
      .join(', ');
    const lead = assigned[0]!.startLeadMs;
    parts.push(
      `Starting a run: from POST /plans/:id/runs to the last worker's assignment: ${each}; ` +
        `RUN_START_LEAD_MS ${lead === null ? `the master's default (${MASTER_DEFAULT_START_LEAD_MS} ms)` : `${lead} ms (--start-lead-ms)`}.`,
    );
  }
  const loaded = [...steps].sort((a, b) => b.workers - a.workers).find((s) => s.machineLoad.busyCores !== null);
  if (loaded) parts.push(`Machine load at ${loaded.workers} workers: ${describeLoad(loaded.machineLoad, cores)}.`);
  const completed = steps
    .filter((s) => !s.master.killedFor && s.master.rssMbPeak !== null && s.master.rssMbPeakDuringRun !== null && (s.windows.storedInDb ?? 0) > 0)
    .sort((x, y) => (y.windows.storedInDb ?? 0) - (x.windows.storedInDb ?? 0))[0];
  const killed = steps.filter((s) => s.master.killedFor);
  if (completed) {
    const extra = completed.master.rssMbPeak! - completed.master.rssMbPeakDuringRun!;
    parts.push(
      `Ending a run: the master's RSS rose from ${fmt(completed.master.rssMbPeakDuringRun, 0)} MB to ${fmt(completed.master.rssMbPeak, 0)} MB while it merged the ${completed.windows.storedInDb} stored windows of the ${completed.workers}-worker run into the summary (≈${fmt((extra * 1024) / completed.windows.storedInDb!, 0)} KB per window), and the run ended ${fmt((completed.timings.endedAfterPlannedEndMs ?? 0) / 1000, 1)} s after its planned end.`,
    );
  }
  if (killed.length > 0)
    parts.push(
      `At ${killed.map((k) => `${k.workers} workers (${k.windows.storedInDb ?? '?'} windows)`).join(' and ')} the master passed the ${killed[0]!.master.killedFor?.match(/guard of (\d+ MB)/)?.[1] ?? 'memory'} guard while ending the run and was killed.`,
    );
  const storage = [...steps].reverse().find((s) => s.database.bytesPerWorkerHour !== null);
  if (storage) {
    const bph = storage.database.bytesPerWorkerHour!;
    const rows = storage.windows.storedInDb ?? 0;
    const perRow = rows > 0 && storage.database.bytesAdded !== null ? storage.database.bytesAdded / rows : null;
    parts.push(
      `Storage: ${fmt(bph / 1e6, 2)} MB per worker-hour (${bph <= goal.bytesPerWorkerHour ? 'within' : 'over'} the ${goal.bytesPerWorkerHour / 1e6} MB goal): ` +
        `${perRow === null ? '?' : Math.round(perRow)} bytes per window stored, of which the encoded window is ${fmt(storage.database.meanDataBytes, 0)} bytes, ` +
        `the whole tuple ${fmt(storage.database.meanRowBytes, 0)} bytes, and the indexes ${storage.database.indexBytesAdded !== null && rows > 0 ? Math.round(storage.database.indexBytesAdded / rows) : '?'} bytes per row ` +
        `(at ${fmt(storage.window.requestsPerWindow, 0)} responses per window).`,
    );
  }
  if (profiled?.profile) {
    const areas = profiled.profile.byArea
      .slice(0, 6)
      .map((a) => `${a.area} ${a.percent}%`)
      .join(', ');
    const fns = profiled.profile.top
      .slice(0, 5)
      .map((f) => `${f.fn} (${f.where}) ${f.percent}%`)
      .join(', ');
    const paths = profiled.profile.byAppFunction
      .slice(0, 5)
      .map((f) => `${f.fn}${f.where ? ` (${f.where})` : ''} ${f.percent}%`)
      .join(', ');
    parts.push(
      `CPU profile of the master's main thread at ${profiled.workers} workers (profiled run, steady part; share of busy time): by package ${areas}. Hottest functions: ${fns}. By the master's own code path (libraries included): ${paths}.`,
    );
  }
  return parts.join(' ');
}

/** What took the machine's cores, in words. */
export function describeLoad(load: MachineLoad, cores: number): string {
  return (
    `${fmt(load.busyCores, 2)} of ${cores} cores busy: master ${fmt(load.master, 2)}, simulators ${fmt(load.simulators, 2)}, ` +
    `RabbitMQ ${fmt(load.broker, 2)}, PostgreSQL ${fmt(load.postgres, 2)}, benchmark ${fmt(load.bench, 2)}, other ${fmt(load.other, 2)}`
  );
}

/** What the figures of a failing step point at. */
export function bottlenecks(step: StepResult, criteria: Criteria, cores: number): string[] {
  const found: string[] = [];
  const m = step.master;
  if (m.killedFor) found.push(`the master's memory: ${m.killedFor}`);
  if (m.cpuCoresMean !== null && m.cpuCoresMean >= 0.9 * criteria.cpuLimit)
    found.push(
      `master CPU-bound (${fmt(m.cpuCoresMean, 2)} cores mean, ${fmt(m.cpuCoresPeak, 2)} peak; one Node event loop can hardly use more than one core)`,
    );
  const busy = step.cpuCoresMean.machineBusy;
  if (busy !== null && busy >= 0.9 * cores) found.push(`the ${cores}-core machine saturated (${describeLoad(step.machineLoad, cores)})`);
  if (step.simulators.maxPublishLagMs !== null && step.simulators.maxPublishLagMs > 250)
    found.push(`the simulators published up to ${Math.round(step.simulators.maxPublishLagMs)} ms late (their own CPU or the shared cores)`);
  if (step.simulators.confirmLagP99Ms !== null && step.simulators.confirmLagP99Ms > 500)
    found.push(`the broker confirmed a second's windows after ${Math.round(step.simulators.confirmLagP99Ms)} ms (p99)`);
  if (step.timings.endedAfterPlannedEndMs !== null && step.timings.endedAfterPlannedEndMs > 5000)
    found.push(`the run ended ${fmt(step.timings.endedAfterPlannedEndMs / 1000, 1)} s after its planned end (backlog of windows and/or merging the summary)`);
  const l = step.latency;
  if (l.p99Ms !== null && l.p99Ms >= criteria.p99LimitMs) {
    const growing = l.p50FirstQuarterMs !== null && l.p50LastQuarterMs !== null && l.p50LastQuarterMs > 2 * l.p50FirstQuarterMs + 200;
    found.push(
      `windows reached the sockets ${Math.round(l.p99Ms)} ms (p99) after the last worker published them` +
        (growing
          ? `, and the delay grew from ${Math.round(l.p50FirstQuarterMs!)} ms (median, first quarter) to ${Math.round(l.p50LastQuarterMs!)} ms (last quarter): a backlog built up`
          : ''),
    );
  }
  return found;
}

export function fmt(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '?';
  return (round(value, digits) ?? 0).toFixed(digits);
}

export interface ReportContext {
  date: string;
  machine: Record<string, unknown>;
  code: Record<string, unknown>;
  parameters: Record<string, unknown>;
  criteria: Criteria;
  cores: number;
}

/** The latency definition written into the result (and the README): keep the three in step with latency.ts. */
export const LATENCY_DEFINITION =
  'per client and second s: arrival of the first run:window event of s with missingWorkers 0 (the first one, or the revision that completed it) − the moment the last simulated worker published its window of s (same clock: one machine); nearest-rank percentiles over every (client, second)';

/**
 * The report of N runs of the ladder. Headline fields are medians over the
 * runs of the figures at the headline step (see runs.ts `headlineWorkers`);
 * `spread` gives min–max and each run's value, `runs` each run's figures.
 */
export function buildReport(runs: readonly (readonly StepResult[])[], ctx: ReportContext, goal: Goal = GOAL, profiled?: StepResult): Record<string, unknown> {
  const agg: RunsAggregate = aggregateRuns(runs);
  const f = agg.figures;
  const workersSustained = agg.headline?.sustained ? agg.headline.workers : 0;
  const p99 = f.latencyP99Ms.median;
  const bytes = f.bytesPerWorkerHour.median;
  const atGoal = agg.byWorkers.find((w) => w.workers === goal.workers);
  const cpuAtGoal = atGoal?.figures.masterCpuCores.median ?? null;
  const assignAtGoal = atGoal?.figures.assignMs.median ?? null;
  const shortfalls: string[] = [];
  if (workersSustained < goal.workers) shortfalls.push(`workers: sustained ${workersSustained} (median of ${runs.length} runs), goal ${goal.workers}`);
  if (p99 === null || p99 >= goal.latencyP99Ms)
    shortfalls.push(`latency p99: ${p99 ?? 'unknown'} ms at ${agg.headline?.workers ?? '?'} workers, goal < ${goal.latencyP99Ms} ms`);
  if (bytes === null || bytes > goal.bytesPerWorkerHour)
    shortfalls.push(`storage: ${bytes ?? 'unknown'} bytes per worker-hour, goal ≤ ${goal.bytesPerWorkerHour}`);
  if (cpuAtGoal === null || cpuAtGoal > goal.masterCpuCores)
    shortfalls.push(`master CPU at ${goal.workers} workers: ${cpuAtGoal === null ? 'not measured' : `${cpuAtGoal} cores`}, goal ≤ ${goal.masterCpuCores}`);
  if (assignAtGoal === null || assignAtGoal >= goal.assignMs)
    shortfalls.push(`assignments at ${goal.workers} workers: ${assignAtGoal === null ? 'not measured' : `${assignAtGoal} ms`}, goal < ${goal.assignMs} ms`);
  // The words come from the run whose sustained count is the headline's (the median run), the spread from all.
  const medianRun = runs[agg.runs.findIndex((r) => r.workersSustained === workersSustained)] ?? runs[0] ?? [];
  const spreadText = `${runs.length} run${runs.length === 1 ? '' : 's'} of the ladder; workers sustained per run: ${agg.runs.map((r) => r.workersSustained).join(', ')}.`;
  const steps = runs.flat();
  return {
    benchmark: 'ingest',
    date: ctx.date,
    workersSustained,
    /** Largest count whose windows were all ingested within the limits, even if the run then did not end properly (median of the runs). */
    workersIngestSustained: agg.workersIngestSustained.median ?? 0,
    latencyP50Ms: f.latencyP50Ms.median,
    latencyP99Ms: p99,
    masterCpuCores: f.masterCpuCores.median,
    masterRssMb: f.masterRssMb.median,
    masterRssPeakMbWithSummary: f.masterRssPeakMbWithSummary.median,
    bytesPerWorkerHour: bytes,
    assignMs: f.assignMs.median,
    machineBusyCores: f.machineBusyCores.median,
    headlineFrom: agg.headline
      ? `${agg.headline.sustained ? 'median over the runs of the largest sustained step' : 'no step sustained (median run); smallest step tried'}: ${agg.headline.workers} workers; medians of ${runs.length} runs`
      : 'no step ran',
    spread: { workersSustained: agg.workersSustained, workersIngestSustained: agg.workersIngestSustained, ...f },
    runs: agg.runs,
    byWorkers: agg.byWorkers,
    goal,
    meetsGoal: {
      workers: workersSustained >= goal.workers,
      latencyP99: p99 !== null && p99 < goal.latencyP99Ms,
      bytesPerWorkerHour: bytes !== null && bytes <= goal.bytesPerWorkerHour,
      masterCpuCores: cpuAtGoal !== null && cpuAtGoal <= goal.masterCpuCores,
      assignMs: assignAtGoal !== null && assignAtGoal < goal.assignMs,
    },
    shortfalls,
    limits: `${spreadText} ${describeLimits(medianRun, ctx.criteria, ctx.cores, goal, profiled)}`,
    projection: projection(steps, ctx.criteria),
    machine: ctx.machine,
    code: ctx.code,
    parameters: ctx.parameters,
    definitions: {
      sustained: `every window stored (GET /runs/:id: summary.requests = requests published, each worker's windows = duration), run finished, every assignment before the start instant, master mean CPU < ${ctx.criteria.cpuLimit} core, window-to-socket p99 < ${ctx.criteria.p99LimitMs} ms, and for every client and second a live event whose last version is complete (missingWorkers 0) with exactly the requests published for that second (a second first sent partial at the master's live deadline and revised is fine)`,
      latency: LATENCY_DEFINITION,
      headline: `the median over the runs of the largest count each run sustained (the lower middle one for an even number of runs; the smallest count tried when that is 0); each headline figure is the median over the runs of that figure at that count, spread.<field> its min, max and per-run values`,
      assignMs:
        "from sending POST /plans/:id/runs to the moment the last simulated worker received its assignment (its entry of the master's run.assign-all), with the master's default RUN_START_LEAD_MS unless parameters.masterEnv says otherwise",
      masterCpuCores: 'utime+stime of the master process (/proc/<pid>/stat) over the steady part of the run (startAt + 1 s … planned end), per wall second',
      machineLoad:
        'per step, over the same steady part: busyCores from /proc/stat (all CPUs, not idle or iowait), and utime+stime of the master, the simulator processes, RabbitMQ (beam.smp), PostgreSQL (postgres) and the benchmark process; other = busy − those',
      masterRssMb:
        'peak VmRSS of the master during the steady part of the run; masterRssPeakMbWithSummary includes the end of the run, when the master merges every stored window into the summary',
      bytesPerWorkerHour:
        'growth of pg_total_relation_size of run_window_packs and run_windows together (heap, indexes, TOAST) over the run / (workers × duration s) × 3600; MB = 10^6 bytes',
    },
    steps,
    profiledRun: profiled ?? null,
  };
}

function cell(value: number | string | null | undefined, width: number, digits = 0): string {
  const text = value === null || value === undefined ? '—' : typeof value === 'number' ? value.toFixed(digits) : value;
  return text.padStart(width);
}

/** A plain-text table of the steps, for the terminal. */
export function formatTable(steps: readonly StepResult[]): string {
  const head = `${'run'.padStart(3)} ${'workers'.padStart(7)} ${'windows stored'.padStart(15)} ${'master CPU'.padStart(10)} ${'RSS MB'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'MB/worker-h'.padStart(11)} ${'machine'.padStart(7)} ${'assign ms'.padStart(9)} ${'revised'.padStart(7)}  result`;
  const rows = steps.map((s) => {
    const stored = `${s.windows.storedPerApi ?? s.windows.storedInDb ?? '?'}/${s.windows.expected}`;
    const bph = s.database.bytesPerWorkerHour === null ? null : s.database.bytesPerWorkerHour / 1e6;
    return `${cell(s.run, 3)} ${cell(s.workers, 7)} ${cell(stored, 15)} ${cell(s.master.cpuCoresMean, 10, 2)} ${cell(s.master.rssMbPeakDuringRun, 7)} ${cell(s.latency.p50Ms, 7)} ${cell(s.latency.p99Ms, 7)} ${cell(bph, 11, 2)} ${cell(s.machineLoad.busyCores, 7, 2)} ${cell(s.timings.assignmentsArrivedMs.last, 9)} ${cell(s.latency.secondsRevised, 7)}  ${s.passed ? 'sustained' : s.ingestOk ? 'ingest ok, run end FAILED' : 'FAILED'}`;
  });
  return [head, ...rows].join('\n');
}

export interface Projection {
  points: number;
  cpuFit: { slope: number; intercept: number } | null;
  workersAtCpuLimit: number | null;
  p99Fit: { slope: number; intercept: number } | null;
  workersAtP99Limit: number | null;
}

/** Linear fits of the master's CPU and of p99 over the steps that measured them, and where they reach the limits. */
export function projection(steps: readonly StepResult[], criteria: Criteria): Projection {
  const measured = steps.filter((s) => s.master.cpuCoresMean !== null && s.latency.p99Ms !== null && s.latency.missingEvents === 0);
  const cpuFit = linearFit(measured.map((s) => ({ x: s.workers, y: s.master.cpuCoresMean! })));
  const p99Fit = linearFit(measured.map((s) => ({ x: s.workers, y: s.latency.p99Ms! })));
  return {
    points: measured.length,
    cpuFit: cpuFit && { slope: round(cpuFit.slope, 7)!, intercept: round(cpuFit.intercept, 4)! },
    workersAtCpuLimit: round(xAt(cpuFit, criteria.cpuLimit), 0),
    p99Fit: p99Fit && { slope: round(p99Fit.slope, 5)!, intercept: round(p99Fit.intercept, 1)! },
    workersAtP99Limit: round(xAt(p99Fit, criteria.p99LimitMs), 0),
  };
}
