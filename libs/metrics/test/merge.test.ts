import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, latencySummary, mergeWindows, recordLatency, summarize, WindowRecorder } from '../src/index.js';

describe('mergeWindows / summarize', () => {
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
    expect(merged.total.errors).toEqual({ timeout: 1, refused: 2, reset: 0, other: 0 });
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
