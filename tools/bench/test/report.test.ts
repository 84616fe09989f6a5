import { describe, expect, it } from '@jest/globals';
import { buildReport, judgeStep, type StepResult } from '../src/ingest/report.js';

function step(workers: number, overrides: { cpu?: number; p99?: number; stored?: number; state?: string } = {}): StepResult {
  const expected = workers * 60;
  return {
    workers,
    durationSeconds: 60,
    simulatorProcesses: 1,
    startLeadMs: 9000,
    code: null,
    runId: 'r',
    runState: overrides.state ?? 'finished',
    runError: null,
    passed: false,
    failures: [],
    ingestOk: true,
    windows: {
      expected,
      published: expected,
      storedPerApi: overrides.stored ?? expected,
      storedInDb: overrides.stored ?? expected,
      workersIncomplete: 0,
      workersIncompleteInDb: 0,
    },
    workerStates: { finished: workers },
    requests: { published: 100, summary: 100, storedInDb: 100 },
    master: { cpuCoresMean: overrides.cpu ?? 0.3, cpuCoresPeak: 0.5, rssMbPeakDuringRun: 200, rssMbPeak: 300, killedFor: null },
    latency: {
      p50Ms: 50,
      p99Ms: overrides.p99 ?? 200,
      maxMs: 300,
      samples: 600,
      expectedSamples: 600,
      missingEvents: 0,
      partialEvents: 0,
      p50FirstQuarterMs: 50,
      p50LastQuarterMs: 50,
    },
    database: {
      bytesAdded: 1,
      bytesPerWorkerHour: 1_500_000,
      heapBytesAdded: 1,
      indexBytesAdded: 0,
      toastBytesAdded: 0,
      meanDataBytes: 350,
      meanRowBytes: 450,
    },
    window: { meanEncodedBytes: 350, meanMessageBytes: 620, requestsPerWindow: 200 },
    simulators: { cpuCoresMean: 0.1, maxPublishLagMs: 2, confirmLagP50Ms: 5, confirmLagP99Ms: 20, latestAssignmentLagMs: -500, nacks: 0 },
    cpuCoresMean: { broker: 0.1, postgres: 0.1, bench: 0.01, machineBusy: 0.8, other: 0.2 },
    machineBeforeStep: { busyCores: 0.1, waitedMs: 3000 },
    timings: {
      assignRequestMs: 100,
      assignCpuCores: { master: 0.2, broker: 0.1, postgres: 0.05 },
      assignmentsArrivedMs: { first: 20, last: 90 },
      endedAfterPlannedEndMs: 200,
      stepSeconds: 70,
    },
    masterLog: { warnings: 0, errors: 0, top: [] },
  };
}

const criteria = { cpuLimit: 1, p99LimitMs: 1000 };

describe('judging a step', () => {
  it('passes when everything was stored within the CPU and latency limits', () => {
    expect(judgeStep(step(100), criteria)).toEqual([]);
  });

  it('names each reason it fails', () => {
    const failures = judgeStep(step(500, { cpu: 1.02, p99: 4200, stored: 29_000, state: 'failed' }), criteria);
    expect(failures.join(' | ')).toMatch(/run ended failed/);
    expect(failures.join(' | ')).toMatch(/database holds 29000 of 30000 windows/);
    expect(failures.join(' | ')).toMatch(/master CPU 1.02 cores/);
    expect(failures.join(' | ')).toMatch(/p99 4200 ms/);
  });
});

describe('the report', () => {
  it('takes its headline from the largest sustained step and says where it falls short', () => {
    const a = { ...step(100), passed: true };
    const b = { ...step(250), passed: true, latency: { ...step(250).latency, p50Ms: 70, p99Ms: 300 } };
    const c = { ...step(500, { cpu: 1.05 }), passed: false, failures: ['master CPU 1.05 cores ≥ 1'] };
    const report = buildReport([a, b, c], { date: 'd', machine: {}, code: {}, parameters: {}, criteria, cores: 2 });
    expect(report).toMatchObject({
      workersSustained: 250,
      latencyP50Ms: 70,
      latencyP99Ms: 300,
      masterCpuCores: 0.3,
      masterRssMb: 200,
      bytesPerWorkerHour: 1_500_000,
    });
    expect(report.meetsGoal).toEqual({ workers: false, latencyP99: true, bytesPerWorkerHour: true });
    expect(String(report.limits)).toMatch(/Sustained 250 workers/);
    expect(String(report.limits)).toMatch(/500 workers failed: master CPU 1.05/);
    expect(String(report.limits)).toMatch(/master CPU-bound/);
  });

  it('tells ingest that held from a run that could not be ended', () => {
    const ok = { ...step(100), passed: true };
    const endFailed = {
      ...step(500, { state: 'running' }),
      passed: false,
      ingestOk: true,
      master: { ...step(500).master, killedFor: 'RSS 8200 MB passed the guard' },
    };
    endFailed.failures = ['x'];
    const report = buildReport([ok, endFailed], { date: 'd', machine: {}, code: {}, parameters: {}, criteria, cores: 2 });
    expect(report).toMatchObject({ workersSustained: 100, workersIngestSustained: 500 });
    expect(String(report.limits)).toMatch(/ingest path alone held up to 500 workers/);
    expect(String(report.limits)).toMatch(/master killed by the benchmark: RSS 8200 MB/);
  });

  it('reports zero sustained workers when no step passed', () => {
    const report = buildReport([step(100, { cpu: 2 })], { date: 'd', machine: {}, code: {}, parameters: {}, criteria, cores: 2 });
    expect(report.workersSustained).toBe(0);
    expect(String(report.headlineFrom)).toMatch(/no step sustained/);
  });
});
