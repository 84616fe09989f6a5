import { describe, expect, it } from '@jest/globals';
import type { StepResult } from '../src/ingest/report.js';
import { aggregateRuns, headlineWorkers, lowerMedian, median, spreadOf } from '../src/ingest/runs.js';
import { step } from './step-fixture.js';

const passed = (workers: number, o: Parameters<typeof step>[1] = {}): StepResult => ({ ...step(workers, o), passed: true });
const failed = (workers: number, o: Parameters<typeof step>[1] = {}): StepResult => ({ ...step(workers, o), passed: false, failures: ['x'] });

describe('medians and spread', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(lowerMedian([5000, 1000, 2500, 100])).toBe(1000);
  });

  it('gives min, max and every run’s value, leaving out runs that did not measure it', () => {
    expect(spreadOf([400, null, 900, 600])).toEqual({ median: 600, min: 400, max: 900, values: [400, null, 900, 600] });
    expect(spreadOf([null, null])).toEqual({ median: null, min: null, max: null, values: [null, null] });
  });
});

describe('the headline step', () => {
  it('is the median of the largest count each run sustained', () => {
    const runs = [
      [passed(100), passed(1000), failed(2500)],
      [passed(100), passed(1000), passed(2500)],
      [passed(100), failed(1000), failed(2500)],
    ];
    expect(headlineWorkers(runs)).toEqual({ workers: 1000, sustained: true });
  });

  it('is a count that was tried when the runs are even, and the smallest count tried when the median run sustained none', () => {
    expect(
      headlineWorkers([
        [passed(100), failed(1000)],
        [passed(100), passed(1000)],
      ]),
    ).toEqual({ workers: 100, sustained: true });
    expect(headlineWorkers([[failed(100)], [failed(100)], [passed(100)]])).toEqual({ workers: 100, sustained: false });
    expect(headlineWorkers([])).toBeNull();
  });
});

describe('aggregating runs', () => {
  it('quotes every figure at the headline step as the median over the runs, even from a run that failed that step', () => {
    const runs = [
      [passed(100, { p99: 100 }), passed(1000, { p99: 500, assignMs: 600, cpu: 0.05, bytes: 800_000 })],
      [passed(100, { p99: 120 }), passed(1000, { p99: 700, assignMs: 900, cpu: 0.07, bytes: 820_000 })],
      [passed(100, { p99: 110 }), failed(1000, { p99: 1500, assignMs: 1400, cpu: 0.09, bytes: 810_000 })],
    ];
    const agg = aggregateRuns(runs);
    expect(agg.headline).toEqual({ workers: 1000, sustained: true });
    expect(agg.figures.latencyP99Ms).toEqual({ median: 700, min: 500, max: 1500, values: [500, 700, 1500] });
    expect(agg.figures.assignMs.median).toBe(900);
    expect(agg.figures.masterCpuCores.median).toBe(0.07);
    expect(agg.figures.bytesPerWorkerHour.median).toBe(810_000);
    expect(agg.workersSustained).toMatchObject({ median: 1000, min: 100, max: 1000 });
    expect(agg.runs.map((r) => [r.run, r.workersSustained, r.latencyP99Ms])).toEqual([
      [1, 1000, 500],
      [2, 1000, 700],
      [3, 100, 1500],
    ]);
    expect(agg.byWorkers.map((w) => [w.workers, w.runsTried, w.runsSustained, w.figures.latencyP99Ms.median])).toEqual([
      [100, 3, 3, 110],
      [1000, 3, 2, 700],
    ]);
  });

  it('leaves a figure out of the median for a run that never reached the headline step (stopped on failure)', () => {
    const runs = [[passed(100), passed(1000, { assignMs: 800 })], [passed(100), passed(1000, { assignMs: 600 })], [failed(100)]];
    const agg = aggregateRuns(runs);
    expect(agg.headline?.workers).toBe(1000);
    expect(agg.figures.assignMs).toEqual({ median: 700, min: 600, max: 800, values: [800, 600, null] });
    expect(agg.runs[2]).toMatchObject({ workersSustained: 0, assignMs: null, machineLoad: null });
  });
});
