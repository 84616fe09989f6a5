import type { PlanResource, RunResource, WorkerList } from '@loadtest/protocol';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { freePort } from '@loadtest/process';
import {
  api,
  codeState,
  deleteBrokerObjects,
  randomSuffix,
  storedWindowsStats,
  windowsTableSize,
  type BenchDatabase,
  type StoredWindowsStats,
  type TableSize,
} from './infra.js';
import { medianOfSeconds, windowToSocketLatency } from './latency.js';
import { LiveClients } from './live-clients.js';
import { digestLogFile, MasterProcess } from './master.js';
import type { BenchOptions } from './options.js';
import {
  groupCores,
  groupPeakCores,
  groupPeakRss,
  pidsByComm,
  ProcessSampler,
  readRss,
  samplesBetween,
  samplesOverlapping,
  systemCores,
  waitForQuiet,
  type Sample,
} from './proc.js';
import { digestCpuProfile, rangeFromWallClock, type CpuProfile, type ProfileDigest } from './profile.js';
import { judgeIngest, judgeStep, type StepResult } from './report.js';
import { SimulatorFleet } from './simulators.js';
import { bytesPerWorkerHour, max, percentile, round } from './stats.js';

const MB = 1024 * 1024;

/** What is running right now, so that an interrupt can clean it up. */
export interface ActiveResources {
  master?: MasterProcess;
  fleet?: SimulatorFleet;
  clients?: LiveClients;
  broker?: { namespace: string; workerIds: string[] };
}

export interface BenchEnv {
  options: BenchOptions;
  repoRoot: string;
  /** The current run's database (one per run of the ladder); set while a run is going. */
  database: BenchDatabase | undefined;
  /** Folder for the processes' logs and CPU profiles (ignored by git). */
  logDir: string;
  logger: Logger;
  cores: number;
  active: ActiveResources;
}

const PLAN = {
  name: 'bench-ingest',
  // The simulated workers send no HTTP at all; the plan only names the steps their windows report.
  baseUrl: 'http://127.0.0.1:9',
  requests: [
    { name: 'login', method: 'POST', path: '/login', body: { user: 'bench', password: 'bench' } },
    { name: 'search', method: 'GET', path: '/search?q=bench' },
  ],
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with an error naming `what` when `promise` does not settle within `ms`: no wait of the benchmark is unbounded. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const DB_READ_TIMEOUT_MS = 120_000;

function emptyResult(run: number, workers: number, durationSeconds: number, clients: number): StepResult {
  return {
    run,
    workers,
    durationSeconds,
    simulatorProcesses: 0,
    startLeadMs: 0,
    code: null,
    runId: null,
    runState: null,
    runError: null,
    passed: false,
    failures: [],
    ingestOk: false,
    windows: { expected: workers * durationSeconds, published: 0, storedPerApi: null, storedInDb: null, workersIncomplete: null, workersIncompleteInDb: null },
    workerStates: null,
    requests: { published: 0, summary: null, storedInDb: null },
    master: { cpuCoresMean: null, cpuCoresPeak: null, rssMbPeakDuringRun: null, rssMbPeak: null, killedFor: null },
    latency: {
      p50Ms: null,
      p99Ms: null,
      maxMs: null,
      samples: 0,
      expectedSamples: clients * durationSeconds,
      missingEvents: clients * durationSeconds,
      incompleteEvents: 0,
      wrongTotals: 0,
      wrongTotalExample: null,
      secondsFirstSentPartial: 0,
      secondsRevised: 0,
      p50FirstQuarterMs: null,
      p50LastQuarterMs: null,
    },
    database: {
      bytesAdded: null,
      bytesPerWorkerHour: null,
      heapBytesAdded: null,
      indexBytesAdded: null,
      toastBytesAdded: null,
      meanDataBytes: null,
      meanRowBytes: null,
    },
    window: { meanEncodedBytes: null, meanMessageBytes: null, requestsPerWindow: null },
    simulators: { cpuCoresMean: null, maxPublishLagMs: null, confirmLagP50Ms: null, confirmLagP99Ms: null, latestAssignmentLagMs: null, nacks: 0 },
    cpuCoresMean: { broker: null, postgres: null, bench: null, machineBusy: null, other: null },
    machineLoad: { busyCores: null, master: null, simulators: null, broker: null, postgres: null, bench: null, other: null },
    machineBeforeStep: { busyCores: null, waitedMs: 0 },
    timings: {
      assignRequestMs: null,
      assignCpuCores: { master: null, broker: null, postgres: null },
      assignmentsArrivedMs: { first: null, last: null },
      endedAfterPlannedEndMs: null,
      stepSeconds: 0,
    },
    masterLog: { warnings: 0, errors: 0, top: [] },
  };
}

/**
 * One step of the ladder: a fresh master (same database) and `workers`
 * simulated workers on a fresh broker namespace, one run of the configured
 * duration, then everything torn down.
 */
export async function runStep(
  env: BenchEnv,
  workers: number,
  label: string,
  how: { run: number; durationSeconds: number; profile: boolean },
): Promise<StepResult> {
  const o = { ...env.options, duration: how.durationSeconds };
  const database = env.database;
  if (!database) throw new Error(`step ${label}: no database (runStep is called within a run's database)`);
  const log = env.logger.child({ step: label, workers });
  const result = emptyResult(how.run, workers, o.duration, o.clients);
  // The master's own default unless --start-lead-ms: the assignment time is measured against what users get.
  result.startLeadMs = o.startLeadMs ?? null;
  const began = Date.now();
  const namespace = `bench-${randomSuffix(4)}`;
  const workerIds = Array.from({ length: workers }, (_, i) => `bench-${label}-w${String(i).padStart(4, '0')}`);
  const masterLogPath = join(env.logDir, `${label}-master.log`);
  const profileDir = how.profile ? join(env.logDir, `${label}-profile`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const masterFd = openSync(masterLogPath, 'w');
  const simFd = openSync(join(env.logDir, `${label}-simulators.log`), 'w');
  let sampler: ProcessSampler | undefined;
  let rssGuard: NodeJS.Timeout | undefined;
  let rssPeak = 0;
  let steadyFrom = 0;
  let steadyTo = 0;
  let master: MasterProcess | undefined;
  let fleet: SimulatorFleet | undefined;
  let clients: LiveClients | undefined;
  let requested = 0;
  env.active.broker = { namespace, workerIds };
  try {
    if (o.quietWaitS > 0) {
      const quiet = await waitForQuiet(o.quietCores, o.quietWaitS * 1000, env.cores);
      result.machineBeforeStep = { busyCores: round(quiet.busyCores, 2), waitedMs: quiet.waitedMs };
      log.info(result.machineBeforeStep, quiet.busyCores !== null && quiet.busyCores < o.quietCores ? 'machine quiet' : 'machine still busy; starting anyway');
    }
    result.code = codeState(env.repoRoot);
    master = new MasterProcess({
      repoRoot: env.repoRoot,
      databaseUrl: database.url,
      amqpUrl: o.amqpUrl,
      namespace,
      port: await freePort(),
      logFd: masterFd,
      logLevel: o.masterLogLevel,
      startLeadMs: result.startLeadMs ?? undefined,
      cpuProfileDir: profileDir,
      fromBundle: o.masterBundle,
      ...(o.masterNodeFlags ? { nodeFlags: o.masterNodeFlags } : {}),
    });
    env.active.master = master;
    await master.waitHealthy(60_000);
    log.info({ pid: master.pid, url: master.url, namespace }, 'master ready');

    fleet = new SimulatorFleet({
      repoRoot: env.repoRoot,
      amqpUrl: o.amqpUrl,
      namespace,
      workerIds,
      workersPerProcess: o.workersPerProcess,
      rps: o.rps,
      poolSize: o.poolSize,
      seed: o.seed,
      logFd: simFd,
    });
    env.active.fleet = fleet;
    fleet.start();
    result.simulatorProcesses = fleet.processes;
    // Setting up a queue per worker takes a few round trips each: allow for the count.
    await fleet.waitReady(60_000 + 40 * workers);
    await waitOnline(master, workers, 30_000 + 10 * workers);
    log.info({ simulators: fleet.processes, setupMs: max(fleet.setupMs) }, 'simulated workers online');

    clients = await LiveClients.connect(master.url, o.clients);
    env.active.clients = clients;
    const plan = await api<PlanResource>(master.url, 'POST', '/api/v1/plans', PLAN);
    if (plan.status !== 201) throw new Error(`POST /plans answered ${plan.status}: ${JSON.stringify(plan.body)}`);
    const sizeBefore = await within(windowsTableSize(database.url), DB_READ_TIMEOUT_MS, 'reading the size of run_windows before the run');

    const brokerPids = pidsByComm(['beam.smp']);
    const masterPid = master.pid;
    const fleetRef = fleet;
    sampler = new ProcessSampler(() => ({
      master: [masterPid],
      simulators: fleetRef.pids(),
      broker: brokerPids,
      postgres: pidsByComm(['postgres']),
      bench: [process.pid],
    }));
    sampler.start(1000);
    const masterRef = master;
    const limitBytes = o.masterRssLimitMb * MB;
    rssGuard = setInterval(() => {
      const rss = readRss(masterPid);
      if (rss === null) return;
      rssPeak = Math.max(rssPeak, rss);
      if (rss > limitBytes) {
        const reason = `RSS ${Math.round(rss / MB)} MB passed the --master-rss-limit-mb guard of ${o.masterRssLimitMb} MB`;
        log.error({ reason }, 'killing the master');
        masterRef.kill(reason);
      }
    }, 250);

    requested = Date.now();
    const created = await api<RunResource>(
      master.url,
      'POST',
      `/api/v1/plans/${plan.body.id}/runs`,
      { connections: workers, durationSeconds: o.duration },
      120_000,
    );
    result.timings.assignRequestMs = Date.now() - requested;
    if (created.status !== 201) throw new Error(`POST /runs answered ${created.status}: ${JSON.stringify(created.body).slice(0, 500)}`);
    const runId = created.body.id;
    result.runId = runId;
    if (created.body.workers.length !== workers) throw new Error(`the master split the run over ${created.body.workers.length} workers, not ${workers}`);
    const acks = await clients.subscribe(runId);
    const refused = acks.filter((a) => !a.ok);
    if (refused.length > 0) throw new Error(`socket subscription refused: ${JSON.stringify(refused[0])}`);
    const startAt = Date.parse(created.body.startAt ?? '');
    const plannedEnd = startAt + o.duration * 1000;
    steadyFrom = startAt + 1000;
    steadyTo = plannedEnd;
    log.info({ runId, startAt: new Date(startAt).toISOString(), assignRequestMs: result.timings.assignRequestMs }, 'run started');

    const ended = await waitRunEnd(master, clients, runId, plannedEnd, plannedEnd + 90_000);
    result.timings.endedAfterPlannedEndMs = ended.at === null ? null : ended.at - plannedEnd;
    log.info({ state: ended.state, afterPlannedEndMs: result.timings.endedAfterPlannedEndMs }, 'run ended');
    if (!(await fleet.waitDone(runId, 35_000))) log.warn('not every simulator process reported the run done within 35 s');
    await sleep(500); // the last events in flight
    sampler.stop();
    clearInterval(rssGuard);
    rssGuard = undefined;

    // Read what the master stored.
    if (master.running) {
      const final = await api<RunResource>(master.url, 'GET', `/api/v1/runs/${runId}`, undefined, 120_000);
      if (final.status === 200) {
        result.runState = final.body.state;
        result.runError = final.body.error;
        result.requests.summary = final.body.summary?.requests ?? null;
        result.windows.storedPerApi = final.body.workers.reduce((n, w) => n + w.windows, 0);
        result.windows.workersIncomplete = final.body.workers.filter((w) => w.windows !== o.duration).length;
        const states: Record<string, number> = {};
        for (const w of final.body.workers) states[w.state] = (states[w.state] ?? 0) + 1;
        result.workerStates = states;
      }
    } else {
      result.runState = ended.state;
      result.runError = `master not running (${master.exitDescription})`;
    }
    const sizeAfter = await within(windowsTableSize(database.url), DB_READ_TIMEOUT_MS, 'reading the size of run_windows after the run');
    const stored = await within(storedWindowsStats(database.url, runId, o.duration), DB_READ_TIMEOUT_MS, `reading run ${runId}'s stored windows`);
    fillDatabase(result, sizeBefore, sizeAfter, stored, workers, o.duration);
    fillPublished(result, fleet, runId);
    fillLatency(result, fleet, clients, runId, o.clients, o.duration);
    fillCpu(result, sampler.samples, startAt, plannedEnd, env.cores, rssPeak);
    writeFileSync(join(env.logDir, `${label}-samples.json`), JSON.stringify({ startAt, plannedEnd, requested, samples: sampler.samples }));
    // The 1 s samples that overlap the request: the request itself is shorter than one sample.
    const assign = samplesOverlapping(sampler.samples, requested, requested + (result.timings.assignRequestMs ?? 0));
    result.timings.assignCpuCores = {
      master: round(groupCores(assign, 'master'), 3),
      broker: round(groupCores(assign, 'broker'), 3),
      postgres: round(groupCores(assign, 'postgres'), 3),
    };
  } catch (error) {
    result.failures.push(`step aborted: ${(error as Error).message}`);
    log.error({ err: error }, 'step aborted');
  } finally {
    // Also when the step failed: how long the assignments took is part of why.
    if (fleet && result.runId !== null) result.timings.assignmentsArrivedMs = assignmentArrivals(fleet, result.runId, workers, requested);
    sampler?.stop();
    clearInterval(rssGuard);
    clients?.close();
    await fleet?.stop().catch((error: unknown) => log.warn({ err: error }, 'cannot stop simulators'));
    await master?.stop().catch((error: unknown) => log.warn({ err: error }, 'cannot stop master'));
    if (master?.killedFor) result.master.killedFor = master.killedFor;
    const cleanup = await within(deleteBrokerObjects(o.amqpUrl, namespace, workerIds), 60_000, `deleting broker namespace ${namespace}`).catch(
      (error: unknown) => ({ deletedQueues: 0, errors: [(error as Error).message] }),
    );
    if (cleanup.errors.length > 0) log.warn({ errors: cleanup.errors.slice(0, 5) }, 'broker cleanup incomplete');
    env.active.master = undefined;
    env.active.fleet = undefined;
    env.active.clients = undefined;
    env.active.broker = undefined;
    closeSync(masterFd);
    closeSync(simFd);
  }
  result.masterLog = digestLogFile(masterLogPath);
  if (profileDir && master?.exitedAt && steadyTo > steadyFrom) result.profile = readProfile(profileDir, master.exitedAt, steadyFrom, steadyTo) ?? undefined;
  result.timings.stepSeconds = Math.round((Date.now() - began) / 1000);
  const criteria = { cpuLimit: o.cpuLimit, p99LimitMs: o.p99LimitMs };
  const aborted = result.failures.length > 0;
  result.ingestOk = !aborted && judgeIngest(result, criteria).length === 0;
  result.failures.push(...judgeStep(result, criteria));
  result.passed = result.failures.length === 0;
  return result;
}

async function waitOnline(master: MasterProcess, workers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let online = 0;
  while (Date.now() < deadline) {
    const list = await api<WorkerList>(master.url, 'GET', '/api/v1/workers');
    online = list.body.items.filter((w) => w.state === 'online').length;
    if (online >= workers) return;
    await sleep(500);
  }
  throw new Error(`only ${online} of ${workers} simulated workers online after ${timeoutMs} ms`);
}

/**
 * Waits for the run's end state: announced on the sockets, or — if that never
 * comes — read over REST, but only well after the planned end (reading a live
 * run over REST merges all its windows, which would load the master).
 */
async function waitRunEnd(
  master: MasterProcess,
  clients: LiveClients,
  runId: string,
  plannedEnd: number,
  deadline: number,
): Promise<{ state: string | null; at: number | null }> {
  let lastPoll = 0;
  while (Date.now() < deadline) {
    const ended = clients.ended.get(runId);
    if (ended) return { state: ended.state, at: ended.at };
    if (!master.running) return { state: null, at: null };
    const now = Date.now();
    if (now > plannedEnd + 20_000 && now - lastPoll > 5000) {
      lastPoll = now;
      const run = await api<RunResource>(master.url, 'GET', `/api/v1/runs/${runId}`, undefined, 60_000).catch(() => undefined);
      if (run && run.status === 200 && ['finished', 'stopped', 'failed'].includes(run.body.state)) return { state: run.body.state, at: Date.now() };
    }
    await sleep(100);
  }
  return { state: null, at: null };
}

/**
 * When the first and the last simulated worker got its assignment, ms after the
 * POST; `last` only when every worker got one (else the step fails elsewhere).
 */
function assignmentArrivals(fleet: SimulatorFleet, runId: string, workers: number, requested: number): { first: number | null; last: number | null } {
  const got = fleet.assigned.filter((a) => a.runId === runId);
  if (got.length === 0) return { first: null, last: null };
  const count = got.reduce((n, a) => n + a.workers, 0);
  return {
    first: Math.min(...got.map((a) => a.firstAt)) - requested,
    last: count >= workers ? Math.max(...got.map((a) => a.lastAt)) - requested : null,
  };
}

function fillDatabase(result: StepResult, before: TableSize, after: TableSize, stored: StoredWindowsStats, workers: number, duration: number): void {
  const added = after.total - before.total;
  result.windows.storedInDb = stored.rows;
  result.windows.workersIncompleteInDb = workers - stored.workersComplete;
  result.requests.storedInDb = stored.requests;
  result.database = {
    bytesAdded: added,
    bytesPerWorkerHour: Math.round(bytesPerWorkerHour(added, workers, duration)),
    heapBytesAdded: after.heap - before.heap,
    indexBytesAdded: after.indexes - before.indexes,
    toastBytesAdded: after.toast - before.toast,
    meanDataBytes: round(stored.meanDataBytes, 1),
    meanRowBytes: round(stored.meanRowBytes, 1),
  };
}

function fillPublished(result: StepResult, fleet: SimulatorFleet, runId: string): void {
  const seconds = fleet.seconds.filter((s) => s.runId === runId);
  const done = fleet.done.filter((d) => d.runId === runId);
  const windows = seconds.reduce((n, s) => n + s.windows, 0);
  result.windows.published = done.length > 0 ? done.reduce((n, d) => n + d.windows, 0) : windows;
  result.requests.published = done.length > 0 ? done.reduce((n, d) => n + d.requests, 0) : seconds.reduce((n, s) => n + s.requests, 0);
  result.window = {
    meanEncodedBytes: windows > 0 ? round(seconds.reduce((n, s) => n + s.encodedBytes, 0) / windows, 1) : null,
    meanMessageBytes: windows > 0 ? round(seconds.reduce((n, s) => n + s.messageBytes, 0) / windows, 1) : null,
    requestsPerWindow: windows > 0 ? round(seconds.reduce((n, s) => n + s.requests, 0) / windows, 1) : null,
  };
  const lags = done.flatMap((d) => d.confirmLagMs.filter((l) => l >= 0));
  result.simulators.maxPublishLagMs = max(seconds.map((s) => s.publishedAt - s.dueAt));
  result.simulators.confirmLagP50Ms = percentile(lags, 50);
  result.simulators.confirmLagP99Ms = percentile(lags, 99);
  result.simulators.latestAssignmentLagMs = max(done.map((d) => d.latestAssignmentLagMs));
  result.simulators.nacks = done.reduce((n, d) => n + d.nacks, 0);
  if (done.length < fleet.processes) result.failures.push(`${fleet.processes - done.length} simulator processes did not finish the run`);
  if (fleet.fatal.length > 0) result.failures.push(`simulator failure: ${fleet.fatal.join('; ')}`);
}

function fillLatency(result: StepResult, fleet: SimulatorFleet, clients: LiveClients, runId: string, clientCount: number, duration: number): void {
  const figures = windowToSocketLatency(fleet.seconds, clients.windows, { runId, clients: clientCount, durationSeconds: duration });
  const quarter = Math.max(1, Math.floor(duration / 4));
  result.latency = {
    p50Ms: percentile(figures.samples, 50),
    p99Ms: percentile(figures.samples, 99),
    maxMs: max(figures.samples),
    samples: figures.samples.length,
    expectedSamples: clientCount * duration,
    missingEvents: figures.missing,
    incompleteEvents: figures.incomplete,
    wrongTotals: figures.wrongTotals,
    wrongTotalExample: figures.wrongTotalExample,
    secondsFirstSentPartial: figures.firstSentPartial,
    secondsRevised: figures.revised,
    p50FirstQuarterMs: medianOfSeconds(figures.bySecond, 0, quarter),
    p50LastQuarterMs: medianOfSeconds(figures.bySecond, duration - quarter, duration),
  };
}

/**
 * CPU over the steady part of the run: from the first window (startAt + 1 s)
 * to the last (the planned end). The end of the run — merging every stored
 * window into the summary — is outside it; its memory is in rssMbPeak.
 */
function fillCpu(result: StepResult, samples: readonly Sample[], startAt: number, plannedEnd: number, cores: number, rssPeak: number): void {
  const steady = samplesBetween(samples, startAt + 1000, plannedEnd);
  const c = (group: string) => round(groupCores(steady, group), 3);
  result.master.cpuCoresMean = c('master');
  result.master.cpuCoresPeak = round(groupPeakCores(steady, 'master'), 3);
  const rssRun = groupPeakRss(steady, 'master');
  result.master.rssMbPeakDuringRun = rssRun === null ? null : round(rssRun / MB, 1);
  result.master.rssMbPeak = round(Math.max(rssPeak, groupPeakRss(samples, 'master') ?? 0) / MB, 1);
  result.simulators.cpuCoresMean = c('simulators');
  const machineBusy = round(systemCores(steady, cores), 3);
  const known = ['master', 'simulators', 'broker', 'postgres', 'bench'].map((g) => groupCores(steady, g) ?? 0).reduce((a, b) => a + b, 0);
  result.cpuCoresMean = {
    broker: c('broker'),
    postgres: c('postgres'),
    bench: c('bench'),
    machineBusy,
    other: machineBusy === null ? null : round(Math.max(0, machineBusy - known), 3),
  };
  result.machineLoad = {
    busyCores: machineBusy,
    master: result.master.cpuCoresMean,
    simulators: result.simulators.cpuCoresMean,
    broker: result.cpuCoresMean.broker,
    postgres: result.cpuCoresMean.postgres,
    bench: result.cpuCoresMean.bench,
    other: result.cpuCoresMean.other,
  };
}

/** The master's CPU profile, over the steady part of the run only (not start-up, assignment or the end of the run). */
function readProfile(dir: string, exitedAt: number, fromMs: number, toMs: number): ProfileDigest | null {
  try {
    const files = readdirSync(dir)
      // One profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (tsx's loader has its own).
      .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    if (files.length === 0) return null;
    const profile = JSON.parse(readFileSync(files[0]!, 'utf8')) as CpuProfile;
    return digestCpuProfile(profile, 25, rangeFromWallClock(profile, exitedAt, fromMs, toMs));
  } catch {
    return null;
  }
}

/** Stops whatever a step left running (after an interrupt); best effort, bounded. */
export async function emergencyCleanup(env: BenchEnv): Promise<void> {
  const { master, fleet, clients, broker } = env.active;
  clients?.close();
  fleet?.killNow();
  master?.kill('benchmark interrupted');
  if (broker) await deleteBrokerObjects(env.options.amqpUrl, broker.namespace, broker.workerIds).catch(() => undefined);
}
