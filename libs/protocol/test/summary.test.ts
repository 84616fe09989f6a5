import { describe, expect, it } from '@jest/globals';
import { RunSummarySchema, StepSummarySchema, type StepSummary } from '../src/index.js';

const step: StepSummary = {
  requests: 10,
  bytesIn: 1000,
  bytesOut: 500,
  durationSeconds: 1,
  rps: 10,
  latencyMicros: null,
  statusCodes: { '200': 10 },
  errors: { timeout: 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 },
  errorCount: 0,
  errorRate: 0,
  checks: { passed: 0, failed: 0 },
};

describe('RunSummarySchema', () => {
  it('carries the dropped requests of the run, a whole number ≥ 0', () => {
    const summary = { ...step, dropped: 42, steps: { home: step } };
    expect(RunSummarySchema.parse(summary)).toEqual(summary);
    expect(RunSummarySchema.safeParse({ ...summary, dropped: 0 }).success).toBe(true);
    expect(RunSummarySchema.safeParse({ ...summary, dropped: -1 }).success).toBe(false);
    expect(RunSummarySchema.safeParse({ ...summary, dropped: 1.5 }).success).toBe(false);
    const { dropped: _dropped, ...without } = summary;
    expect(RunSummarySchema.safeParse(without).success).toBe(false);
  });

  it('keeps dropped off the steps: a dropped request was never sent, so it has no step', () => {
    expect(Object.keys(StepSummarySchema.shape)).not.toContain('dropped');
    expect(Object.keys(RunSummarySchema.shape)).toContain('dropped');
  });
});
