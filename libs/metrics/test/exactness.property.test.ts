import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import {
  addWindow,
  createLatencyHistogram,
  decodeWindow,
  emptyMerged,
  encodeWindow,
  latencySummary,
  mergeWindows,
  recordLatency,
  summarize,
  WindowRecorder,
  type StepMetrics,
  type Window,
} from '../src/index.js';

/** Latencies spread as real ones do: from 1 µs to an hour, log-uniformly. */
const latency = fc.double({ min: 0, max: Math.log10(3_600_000_000), noNaN: true }).map((e) => Math.max(1, Math.round(10 ** e)));

const sample = fc.record({
  micros: latency,
  worker: fc.nat(),
  second: fc.nat({ max: 9 }),
  step: fc.constantFrom('login', 'search', 'checkout'),
  status: fc.constantFrom(200, 201, 404, 500),
});

/** Requests the open model could not send, in one worker's window; sometimes a lot (multi-byte varints). */
const dropped = fc.record({
  worker: fc.nat(),
  second: fc.nat({ max: 9 }),
  count: fc.oneof(fc.nat({ max: 5 }), fc.nat({ max: 2 ** 40 })),
});

export const PROPERTY_RUNS = 200;

describe('exactness (property tests)', () => {
  it(`merging any split of samples over 1..50 workers and any windows equals one histogram of all samples (${PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(sample, { minLength: 1, maxLength: 400 }),
        fc.array(dropped, { maxLength: 100 }),
        (workers, samples, drops) => {
          // Each simulated worker records its own samples into its own windows, per second.
          const recorders = new Map<string, WindowRecorder>();
          const recorder = (worker: number, second: number) => {
            const key = `${worker % workers}/${second}`;
            let r = recorders.get(key);
            if (!r) recorders.set(key, (r = new WindowRecorder()));
            return r;
          };
          const reference = createLatencyHistogram();
          for (const s of samples) {
            recorder(s.worker, s.second).recordResponse(s.step, s.status, 100, 10, s.micros);
            recordLatency(reference, s.micros);
          }
          for (const d of drops) recorder(d.worker, d.second).recordDropped(d.count);
          const droppedTotal = drops.reduce((sum, d) => sum + d.count, 0);
          // Windows travel encoded, as they do from a worker to the master and into storage.
          const windows: Window[] = [...recorders.entries()].map(([key, r]) => decodeWindow(encodeWindow(r.take(Number(key.split('/')[1]), 1000))));
          const summary = summarize(windows);
          expect(summary.requests).toBe(samples.length);
          // Dropped requests are counted per window, apart from the steps, and summed exactly.
          expect(summary.dropped).toBe(droppedTotal);
          expect(mergeWindows(windows).dropped).toBe(droppedTotal);
          const merged = emptyMerged();
          for (const w of windows) addWindow(merged, w);
          expect(merged.dropped).toBe(droppedTotal);
          expect(summarize(windows, { step: 'login' }).dropped).toBe(droppedTotal);
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
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it(`a window survives encoding exactly (${PROPERTY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 200 }),
        fc.array(
          fc.record({
            step: fc.string({ minLength: 1, maxLength: 20 }),
            kind: fc.constantFrom('timeout', 'refused', 'reset', 'other', 'interrupted' as const),
          }),
          { maxLength: 20 },
        ),
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.boolean()), { maxLength: 20 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 2 ** 40 })), { maxLength: 5 }),
        (samples, errors, checks, second, durationMs, drops) => {
          const recorder = new WindowRecorder();
          for (const s of samples) recorder.recordResponse(s.step, s.status, s.micros % 10_000, s.micros % 777, s.micros);
          for (const e of errors) recorder.recordError(e.step, e.kind);
          for (const [step, passed] of checks) recorder.recordCheck(step, passed);
          for (const count of drops) recorder.recordDropped(count);
          const window = recorder.take(second, durationMs);
          expect(window.dropped).toBe(drops.reduce((sum, n) => sum + n, 0));
          expect(recorder.take(second + 1, 1000).dropped).toBe(0);
          const back = decodeWindow(encodeWindow(window));
          expect(back.second).toBe(second);
          expect(back.durationMs).toBe(durationMs);
          expect(back.dropped).toBe(window.dropped);
          expect([...back.steps.keys()]).toEqual([...window.steps.keys()]);
          for (const [name, step] of window.steps) {
            const decoded = back.steps.get(name)!;
            // Read by name: a decoded step's status codes and latency are getters of its class.
            const counters = ({ requests, bytesIn, bytesOut, statusCodes, errors, checks }: StepMetrics) => ({
              requests,
              bytesIn,
              bytesOut,
              statusCodes,
              errors,
              checks,
            });
            expect(counters(decoded)).toEqual(counters(step));
            expect(latencySummary(decoded.latency)).toEqual(latencySummary(step.latency));
          }
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
