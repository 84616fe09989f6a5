import { PROTOCOL_VERSION, type LiveWindowEvent, type RunResource, type RunSummary, type StepSummary } from '@loadtest/protocol';

const latency = (p95: number) => ({
  min: 200,
  mean: p95 / 2,
  stdev: 10,
  p50: p95 / 3,
  p75: p95 / 2,
  p90: p95 * 0.9,
  p95,
  p99: p95 * 1.5,
  p999: p95 * 2,
  max: p95 * 3,
});

export function stepSummary(requests: number, p95: number, errorCount = 0): StepSummary {
  return {
    requests,
    bytesIn: requests * 100,
    bytesOut: requests * 50,
    durationSeconds: 5,
    rps: requests / 5,
    latencyMicros: latency(p95),
    statusCodes: { '200': requests },
    errors: { timeout: errorCount, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 },
    errorCount,
    errorRate: errorCount / (requests + errorCount),
    checks: { passed: requests, failed: 0 },
  };
}

export function runSummary(requests: number, p95: number, errorCount = 0): RunSummary {
  return { ...stepSummary(requests, p95, errorCount), dropped: 0, steps: { root: stepSummary(requests, p95, errorCount) } };
}

/** A finished run as GET /runs/:id answers it. */
export function finishedRun(overrides: Partial<RunResource> = {}): RunResource {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    planId: '22222222-2222-4222-8222-222222222222',
    state: 'finished',
    load: {
      scenarios: [{ name: 'default', executor: 'constant-vus', vus: 5, duration: 5, startTime: 0 }],
      durationSeconds: 5,
      timeoutSeconds: 10,
      reportEvery: '1s',
      onWorkerLoss: 'rebalance',
    },
    workers: [],
    summary: runSummary(10_000, 3210),
    thresholds: [{ expression: 'p(95)<300ms', abortOnFail: false, abortGraceSeconds: 0 }],
    thresholdResults: [{ expression: 'p(95)<300ms', step: null, ok: true, value: 3210, display: '3.21ms' }],
    verdict: 'passed',
    createdAt: '2026-12-03T11:00:00.000Z',
    startAt: '2026-12-03T11:00:01.500Z',
    endedAt: '2026-12-03T11:00:07.000Z',
    error: null,
    ...overrides,
  };
}

export function liveWindow(second: number, requests: number, overrides: Partial<LiveWindowEvent> = {}): LiveWindowEvent {
  return {
    v: PROTOCOL_VERSION,
    runId: '11111111-1111-4111-8111-111111111111',
    second,
    ...stepSummary(requests, 2500),
    rps: requests,
    dropped: 0,
    vus: 5,
    workers: 1,
    missingWorkers: 0,
    revision: false,
    thresholds: [{ expression: 'p(95)<300ms', step: null, ok: true, value: 2500, display: '2.50ms' }],
    ...overrides,
  };
}
