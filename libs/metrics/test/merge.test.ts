import { describe, expect, it } from '@jest/globals';
import {
  addMerged,
  addWindow,
  createLatencyHistogram,
  decodeHistogram,
  emptyMerged,
  encodeHistogram,
  latencySummary,
  mergeWindows,
  recordLatency,
  summarize,
  summarizeMerged,
  WindowRecorder,
} from '../src/index.js';

describe('mergeWindows / summarize', () => {
  it("keeps a running merge's total equal to the sum of its steps, however reads and additions interleave", () => {
    const windowOf = (second: number, name: string, micros: number) => {
      const recorder = new WindowRecorder();
      recorder.recordResponse(name, 200, 10, 5, micros);
      recorder.recordError(name, 'timeout');
      return recorder.take(second, 1000);
    };
    const running = emptyMerged();
    const other = emptyMerged();
    addWindow(running, windowOf(0, 'login', 1_000));
    expect(running.total.requests).toBe(1);
    addWindow(running, windowOf(0, 'search', 9_000));
    addWindow(other, windowOf(1, 'search', 50_000));
    addMerged(running, other);
    const total = running.total;
    expect(total.requests).toBe(3);
    expect(total.errors.timeout).toBe(3);
    expect(total.latency.totalCount).toBe(3);
    expect(total.latency.maxValue).toBeGreaterThanOrEqual(49_950);
    expect(running.total).toBe(total);
    addWindow(running, windowOf(2, 'login', 2_000));
    expect(running.total.requests).toBe(4);
    expect(running.total.latency.totalCount).toBe(4);
    expect(summarizeMerged(running).requests).toBe(4);
  });

  it('keeps microsecond resolution below one millisecond', () => {
    const recorder = new WindowRecorder();
    for (const micros of [120, 250, 480, 910]) recorder.recordResponse('home', 200, 10, 5, micros);
    const summary = summarize([recorder.take(0, 1000)]);
    expect(summary.latencyMicros!.min).toBe(120);
    expect(summary.latencyMicros!.max).toBeGreaterThanOrEqual(910);
    expect(summary.latencyMicros!.max).toBeLessThan(911);
    expect(summary.latencyMicros!.p50).toBeGreaterThanOrEqual(250);
    expect(summary.latencyMicros!.p50).toBeLessThan(251);
  });

  it('sums counters, errors and checks per step and in total, and computes the rates', () => {
    const a = new WindowRecorder();
    const b = new WindowRecorder();
    a.recordResponse('login', 200, 5, 50, 1000);
    a.recordError('login', 'timeout');
    a.recordCheck('login', true);
    b.recordResponse('search', 404, 7, 70, 2000);
    b.recordError('search', 'refused');
    b.recordError('search', 'refused');
    b.recordCheck('search', false);
    const windows = [a.take(0, 1000), b.take(1, 400)];
    const merged = mergeWindows(windows);
    expect(merged.total.requests).toBe(2);
    expect(merged.total.bytesIn).toBe(12);
    expect(merged.total.bytesOut).toBe(120);
    expect(merged.total.errors).toEqual({ timeout: 1, refused: 2, reset: 0, other: 0, interrupted: 0, blocked: 0 });
    expect(merged.spanMs).toBe(1400);
    const summary = summarize(windows);
    expect(summary.rps).toBeCloseTo(2 / 1.4, 10);
    expect(summary.errorCount).toBe(3);
    expect(summary.errorRate).toBeCloseTo(3 / 5, 10);
    expect(summary.checks).toEqual({ passed: 1, failed: 1 });
    expect(summary.statusCodes).toEqual({ '200': 1, '404': 1 });
    expect(Object.keys(summary.steps)).toEqual(['login', 'search']);
    expect(summary.steps.search).toMatchObject({ requests: 1, errorCount: 2, checks: { passed: 0, failed: 1 }, statusCodes: { '404': 1 } });
    expect(summary.steps.login!.latencyMicros!.p50).toBeGreaterThanOrEqual(1000);
    const onlyLogin = summarize(windows, { step: 'login' });
    expect(onlyLogin.requests).toBe(1);
    expect(Object.keys(onlyLogin.steps)).toEqual(['login']);
  });

  it('sums the dropped requests over the windows, apart from the steps', () => {
    const a = new WindowRecorder();
    const b = new WindowRecorder();
    a.recordResponse('login', 200, 5, 50, 1000);
    a.recordDropped(3);
    a.recordDropped();
    b.recordDropped(10);
    const first = [a.take(0, 1000), b.take(0, 1000)];
    // `take` hands the count over and starts the next window at 0.
    a.recordDropped(2);
    const second = [a.take(1, 1000), b.take(1, 1000)];
    expect(first.map((w) => w.dropped)).toEqual([4, 10]);
    expect(second.map((w) => w.dropped)).toEqual([2, 0]);
    const windows = [...first, ...second];
    const summary = summarize(windows);
    expect(summary.dropped).toBe(16);
    // Never sent, so not a request, an error, or part of any step.
    expect(summary.requests).toBe(1);
    expect(summary.errorCount).toBe(0);
    expect(summary.steps.login).not.toHaveProperty('dropped');
    expect(mergeWindows(windows).dropped).toBe(16);
    const running = emptyMerged();
    expect(running.dropped).toBe(0);
    for (const w of windows) addWindow(running, w);
    expect(running.dropped).toBe(16);
    expect(summarizeMerged(running).dropped).toBe(16);
    // A dropped request has no step: a step's summary keeps the windows' count.
    expect(summarize(windows, { step: 'login' }).dropped).toBe(16);
    expect(summarize([]).dropped).toBe(0);
    expect(summarize([new WindowRecorder().take(0, 1000)]).dropped).toBe(0);
  });

  it('records only whole numbers of dropped requests ≥ 0', () => {
    const recorder = new WindowRecorder();
    expect(() => recorder.recordDropped(-1)).toThrow(RangeError);
    expect(() => recorder.recordDropped(1.5)).toThrow(RangeError);
    expect(() => recorder.recordDropped(Number.NaN)).toThrow(RangeError);
    recorder.recordDropped(0);
    expect(recorder.take(0, 1000).dropped).toBe(0);
  });

  it('covers, for each second, the longest of its windows', () => {
    const w = (second: number, durationMs: number) => ({ ...new WindowRecorder().take(second, durationMs) });
    expect(mergeWindows([w(0, 700), w(0, 1000), w(1, 1000), w(2, 250), w(2, 100)]).spanMs).toBe(2250);
    const empty = summarize([]);
    expect(empty.requests).toBe(0);
    expect(empty.rps).toBe(0);
    expect(empty.latencyMicros).toBeNull();
  });

  it('round-trips a histogram through its encoding and rejects garbage', () => {
    const h = createLatencyHistogram();
    recordLatency(h, 1234);
    recordLatency(h, 0);
    recordLatency(h, 10 * 3_600_000_000);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(3);
    expect(back.getValueAtPercentile(50)).toBe(h.getValueAtPercentile(50));
    expect(latencySummary(back)).toEqual(latencySummary(h));
    expect(() => decodeHistogram('not a histogram')).toThrow(/cannot decode latency histogram/);
  });
});
