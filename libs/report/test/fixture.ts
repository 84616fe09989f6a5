import { createLatencyHistogram, emptyStep, mergeWindows, recordLatency, stepSummary, summarize, type Window } from '@loadtest/metrics';
import type { RunResource, StepSummary, ThresholdOutcome, ThresholdSpec, TimelinePoint } from '@loadtest/protocol';
import type { RunReportInput } from '../src/index.js';

/** A step name that is an HTML injection: reports must show it as text. */
export const HOSTILE_STEP = '<img src=x onerror=alert(1)>';

const RUN_ID = '3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f';
const PLAN_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** A small deterministic generator: the fixture is the same at every run of the tests. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * Two workers × 10 seconds × 3 steps of measured windows, and what the master makes of them: the run's
 * summary, its 1 s timeline and each share's figures, all merged by libs/metrics as the master merges them.
 */
export function measuredWindows(steps: readonly string[] = ['home', 'login', 'search']): Map<string, Window[]> {
  const next = random(42);
  const byWorker = new Map<string, Window[]>();
  for (const worker of ['local-1', 'local-2']) {
    const windows: Window[] = [];
    for (let second = 0; second < 10; second++) {
      const window: Window = { second, durationMs: 1000, dropped: second === 9 ? 3 : 0, vus: 5, steps: new Map() };
      for (const [s, name] of steps.entries()) {
        const step = emptyStep();
        step.latency = createLatencyHistogram();
        const requests = 40 + Math.floor(next() * 20);
        for (let i = 0; i < requests; i++) recordLatency(step.latency, 2000 * (s + 1) + next() * 8000 + (next() < 0.02 ? 150_000 : 0));
        step.requests = requests;
        step.bytesIn = requests * 512;
        step.bytesOut = requests * 128;
        step.statusCodes = { '200': requests - (s === 1 ? 2 : 0), ...(s === 1 ? { '500': 2 } : {}) };
        step.errors.timeout = second === 5 && s === 2 ? 3 : 0;
        step.errors.reset = second === 7 ? 1 : 0;
        step.checks = s === 1 ? { passed: requests - 2, failed: 2 } : s === 0 ? { passed: requests, failed: 0 } : { passed: 0, failed: 0 };
        window.steps.set(name, step);
      }
      windows.push(window);
    }
    byWorker.set(worker, windows);
  }
  return byWorker;
}

export interface Fixture {
  input: RunReportInput;
  windows: Window[];
}

export function realisticFixture(options: { steps?: string[]; planName?: string } = {}): Fixture {
  const steps = options.steps ?? ['home', 'login', 'search'];
  const byWorker = measuredWindows(steps);
  const windows = [...byWorker.values()].flat();
  const summary = summarize(windows);
  const points: TimelinePoint[] = [];
  for (let second = 0; second < 10; second++) {
    const merged = mergeWindows(windows.filter((w) => w.second === second));
    points.push({ second, ...stepSummary(merged.total, merged.spanMs / 1000), dropped: merged.dropped, vus: 10, workers: 2 });
  }
  const workerSummaries = new Map<string, StepSummary>();
  for (const [worker, own] of byWorker) {
    const merged = mergeWindows(own);
    workerSummaries.set(worker, stepSummary(merged.total, merged.spanMs / 1000));
  }
  const thresholds: ThresholdSpec[] = [
    { expression: 'p(95) < 200ms', abortOnFail: false, abortGraceSeconds: 0 },
    { expression: 'error_rate < 0.1%', abortOnFail: true, abortGraceSeconds: 5 },
    { expression: 'checks > 99%', step: steps[1]!, abortOnFail: false, abortGraceSeconds: 0 },
  ];
  const loginChecks = summary.steps[steps[1]!]!.checks;
  const thresholdResults: ThresholdOutcome[] = [
    { expression: 'p(95) < 200ms', step: null, ok: true, value: summary.latencyMicros!.p95, display: `${(summary.latencyMicros!.p95 / 1000).toFixed(1)}ms` },
    { expression: 'error_rate < 0.1%', step: null, ok: false, value: summary.errorRate, display: `${(summary.errorRate * 100).toFixed(2)}%` },
    {
      expression: 'checks > 99%',
      step: steps[1]!,
      ok: false,
      value: loginChecks.passed / (loginChecks.passed + loginChecks.failed),
      display: `${((100 * loginChecks.passed) / (loginChecks.passed + loginChecks.failed)).toFixed(2)}%`,
    },
  ];
  const segment = (from: number, to: number) => ({ from: { num: from, den: 2 }, to: { num: to, den: 2 } });
  const run: RunResource = {
    id: RUN_ID,
    planId: PLAN_ID,
    state: 'finished',
    load: {
      scenarios: [
        {
          name: 'browse',
          executor: 'ramping-vus',
          startVUs: 0,
          stages: [
            { duration: 5, target: 10 },
            { duration: 5, target: 10 },
          ],
          startTime: 0,
        },
        { name: 'api', executor: 'constant-arrival-rate', rate: 20, duration: 8, maxVUs: 10, startTime: 2, gracefulStop: 5 },
      ],
      durationSeconds: 10,
      timeoutSeconds: 10,
      reportEvery: '1s',
      onWorkerLoss: 'rebalance',
    },
    workers: ['local-1', 'local-2'].map((workerId, index) => ({
      workerId,
      shareId: workerId,
      part: null,
      index,
      connections: 5,
      segment: segment(index, index + 1),
      state: 'finished',
      windows: 10,
      reason: null,
      clockOffsetMs: index === 0 ? 1.5 : -2,
      clockSkewed: false,
    })),
    summary,
    thresholds,
    thresholdResults,
    verdict: 'failed',
    createdAt: '2026-12-03T10:59:58.120Z',
    startAt: '2026-12-03T11:00:00.000Z',
    endedAt: '2026-12-03T11:00:10.450Z',
    error: null,
  };
  const plan = {
    name: options.planName ?? 'Shop checkout',
    // Credentials in the base URL and a secret variable: neither may reach a report.
    baseUrl: 'https://shopper:hunter2@shop.example.test/api',
    variables: { apiKey: { value: 'sk_live_secret', secret: true } },
    headers: { authorization: 'Bearer sk_live_secret' },
    steps: [
      { kind: 'http', name: steps[0]!, method: 'GET', url: '/', checks: [{ status: [200], stopOnFail: false }] },
      {
        kind: 'group',
        repeat: 2,
        steps: [
          {
            kind: 'http',
            name: steps[1]!,
            method: 'POST',
            url: '/login',
            checks: [
              { bodyContains: 'welcome', stopOnFail: false },
              { name: 'token issued', jsonPath: '$.token', equals: 'x', stopOnFail: false },
            ],
          },
          { kind: 'think', ms: 100 },
        ],
      },
      { kind: 'http', name: steps[2]!, method: 'GET', url: '/search?q=${term}', checks: [] },
    ],
  };
  return { input: { run, plan, timeline: { bucketSeconds: 1, points }, workerSummaries, generatedAt: new Date('2026-12-03T11:01:00.000Z') }, windows };
}

/** The run's merged latency histogram, as the master has it. */
export const mergedHistogram = (windows: readonly Window[]) => mergeWindows(windows).total.latency;
