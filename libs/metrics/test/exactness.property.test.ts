import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeWindow, encodeWindow, latencySummary, recordLatency, summarize, WindowRecorder, type Window } from '../src/index.js';

/** Latencies spread as real ones do: from 1 µs to an hour, log-uniformly. */
const latency = fc.double({ min: 0, max: Math.log10(3_600_000_000), noNaN: true }).map((e) => Math.max(1, Math.round(10 ** e)));

const sample = fc.record({
  micros: latency,
  worker: fc.nat(),
  second: fc.nat({ max: 9 }),
  step: fc.constantFrom('login', 'search', 'checkout'),
  status: fc.constantFrom(200, 201, 404, 500),
});

export const PROPERTY_RUNS = 200;

describe('exactness (property tests)', () => {
  it(`merging any split of samples over 1..50 workers and any windows equals one histogram of all samples (${PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(sample, { minLength: 1, maxLength: 400 }), (workers, samples) => {
        // Each simulated worker records its own samples into its own windows, per second.
        const recorders = new Map<string, WindowRecorder>();
        const reference = createLatencyHistogram();
        for (const s of samples) {
          const key = `${s.worker % workers}/${s.second}`;
          let recorder = recorders.get(key);
          if (!recorder) recorders.set(key, (recorder = new WindowRecorder()));
          recorder.recordResponse(s.step, s.status, 100, 10, s.micros);
          recordLatency(reference, s.micros);
        }
        // Windows travel encoded, as they do from a worker to the master and into storage.
        const windows: Window[] = [...recorders.entries()].map(([key, r]) => decodeWindow(encodeWindow(r.take(Number(key.split('/')[1]), 1000))));
        const summary = summarize(windows);
        expect(summary.requests).toBe(samples.length);
        expect(summary.latencyMicros).toEqual(latencySummary(reference));
        for (const step of ['login', 'search', 'checkout']) {
          const own = samples.filter((s) => s.step === step);
          if (own.length === 0) continue;
          const stepReference = createLatencyHistogram();
          for (const s of own) recordLatency(stepReference, s.micros);
          expect(summary.steps[step]!.requests).toBe(own.length);
          expect(summary.steps[step]!.latencyMicros).toEqual(latencySummary(stepReference));
        }
        const statuses = samples.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.status]: (acc[String(s.status)] ?? 0) + 1 }), {});
        expect(summary.statusCodes).toEqual(statuses);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it(`a window survives encoding exactly (${PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 200 }),
        fc.array(fc.record({ step: fc.string({ minLength: 1, maxLength: 20 }), kind: fc.constantFrom('timeout', 'refused', 'reset', 'other' as const) }), { maxLength: 20 }),
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.boolean()), { maxLength: 20 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        (samples, errors, checks, second, durationMs) => {
          const recorder = new WindowRecorder();
          for (const s of samples) recorder.recordResponse(s.step, s.status, s.micros % 10_000, s.micros % 777, s.micros);
          for (const e of errors) recorder.recordError(e.step, e.kind);
          for (const [step, passed] of checks) recorder.recordCheck(step, passed);
          const window = recorder.take(second, durationMs);
          const back = decodeWindow(encodeWindow(window));
          expect(back.second).toBe(second);
          expect(back.durationMs).toBe(durationMs);
          expect([...back.steps.keys()]).toEqual([...window.steps.keys()]);
          for (const [name, step] of window.steps) {
            const decoded = back.steps.get(name)!;
            const { latency: l1, ...counters1 } = step;
            const { latency: l2, latencyCounts: _counts, ...counters2 } = decoded;
            expect(counters2).toEqual(counters1);
            expect(latencySummary(l2)).toEqual(latencySummary(l1));
          }
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
