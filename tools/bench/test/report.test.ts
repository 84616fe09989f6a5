import { describe, expect, it } from '@jest/globals';
import { buildReport, judgeStep } from '../src/ingest/report.js';
import { step } from './step-fixture.js';

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

  it('accepts seconds sent partial and revised, but not a last event that is partial or has the wrong requests', () => {
    const revised = step(100);
    revised.latency = { ...revised.latency, secondsFirstSentPartial: 3, secondsRevised: 3 };
    expect(judgeStep(revised, criteria)).toEqual([]);
    const wrong = step(100);
    wrong.latency = { ...wrong.latency, incompleteEvents: 2, wrongTotals: 1, wrongTotalExample: 'client 0, second 5: 150 requests shown, 200 published' };
    const failures = judgeStep(wrong, criteria).join(' | ');
    expect(failures).toMatch(/2 \(client, second\) live events were never sent complete/);
    expect(failures).toMatch(/client 0, second 5: 150 requests shown, 200 published/);
  });
});

const ctx = { date: 'd', machine: {}, code: {}, parameters: {}, criteria, cores: 2 };

describe('the report', () => {
  it('takes its headline from the largest sustained step and says where it falls short', () => {
    const a = { ...step(100), passed: true };
    const b = { ...step(250), passed: true, latency: { ...step(250).latency, p50Ms: 70, p99Ms: 300 } };
    const c = { ...step(500, { cpu: 1.05, busy: 1.9 }), passed: false, failures: ['master CPU 1.05 cores ≥ 1'] };
    const report = buildReport([[a, b, c]], ctx);
    expect(report).toMatchObject({
      workersSustained: 250,
      latencyP50Ms: 70,
      latencyP99Ms: 300,
      masterCpuCores: 0.3,
      masterRssMb: 200,
      bytesPerWorkerHour: 900_000,
      assignMs: 90,
    });
    expect(report.meetsGoal).toEqual({ workers: false, latencyP99: true, bytesPerWorkerHour: true, masterCpuCores: false, assignMs: false });
    expect(String(report.limits)).toMatch(/Sustained 250 workers/);
    expect(String(report.limits)).toMatch(/500 workers failed: master CPU 1.05/);
    expect(String(report.limits)).toMatch(/master CPU-bound/);
    expect(String(report.limits)).toMatch(/Machine load at 500 workers: 1.90 of 2 cores busy: master 1.05, simulators 0.10, RabbitMQ 0.10, PostgreSQL 0.10/);
  });

  it('quotes the medians of three runs with their spread and each run', () => {
    const run = (n: number, p99: number, assignMs: number, sustained: boolean) => [
      { ...step(100, { run: n }), passed: true },
      { ...step(1000, { run: n, p99, assignMs, cpu: 0.08 }), passed: sustained },
    ];
    const report = buildReport([run(1, 400, 700, true), run(2, 900, 950, true), run(3, 600, 1200, true)], ctx);
    expect(report).toMatchObject({ workersSustained: 1000, latencyP99Ms: 600, assignMs: 950, masterCpuCores: 0.08 });
    expect(report.spread).toMatchObject({ latencyP99Ms: { median: 600, min: 400, max: 900, values: [400, 900, 600] }, assignMs: { min: 700, max: 1200 } });
    expect(report.runs).toMatchObject([
      { run: 1, workersSustained: 1000, latencyP99Ms: 400, assignMs: 700 },
      { run: 2, workersSustained: 1000, latencyP99Ms: 900, assignMs: 950 },
      { run: 3, workersSustained: 1000, latencyP99Ms: 600, assignMs: 1200 },
    ]);
    expect(report.meetsGoal).toMatchObject({ workers: true, latencyP99: true, masterCpuCores: true, assignMs: true });
    expect(String(report.limits)).toMatch(/^3 runs of the ladder; workers sustained per run: 1000, 1000, 1000\./);
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
    const report = buildReport([[ok, endFailed]], ctx);
    expect(report).toMatchObject({ workersSustained: 100, workersIngestSustained: 500 });
    expect(String(report.limits)).toMatch(/ingest path alone held up to 500 workers/);
    expect(String(report.limits)).toMatch(/master killed by the benchmark: RSS 8200 MB/);
  });

  it('reports zero sustained workers when no step passed', () => {
    const report = buildReport([[step(100, { cpu: 2 })]], ctx);
    expect(report.workersSustained).toBe(0);
    expect(String(report.headlineFrom)).toMatch(/no step sustained/);
  });
});
