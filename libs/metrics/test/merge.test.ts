import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, latencySummary, mergeWindows, recordLatency, summarize, WindowRecorder } from '../src/index.js';

/** Small deterministic PRNG so that a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mergeWindows / summarize', () => {
  it.each([1, 2, 3, 7, 50])('merging windows from %i workers equals one histogram of all samples', (workers) => {
    const random = prng(workers * 7919);
    const recorders = Array.from({ length: workers }, () => new WindowRecorder());
    const reference = createLatencyHistogram();
    const windows = [];
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 2000; i++) {
        // Log-uniform latencies from 50 µs to 5 s, as real latencies spread.
        const micros = Math.round(50 * Math.pow(10, random() * 5));
        const worker = Math.floor(random() * workers);
        recorders[worker]!.recordResponse(random() < 0.9 ? 200 : 503, 100, micros);
        recordLatency(reference, micros);
      }
      for (const recorder of recorders) windows.push(recorder.take(second, 1000));
    }
    const summary = summarize(windows);
    const expected = latencySummary(reference)!;
    expect(summary.requests).toBe(10_000);
    expect(summary.latencyMicros).toEqual(expected);
    expect(summary.statusCodes['200']! + summary.statusCodes['503']!).toBe(10_000);
    expect(summary.durationSeconds).toBe(5);
    expect(summary.rps).toBe(2000);
  });

  it('keeps microsecond resolution below one millisecond', () => {
    const recorder = new WindowRecorder();
    for (const micros of [120, 250, 480, 910]) recorder.recordResponse(200, 10, micros);
    const summary = summarize([recorder.take(0, 1000)]);
    expect(summary.latencyMicros.min).toBe(120);
    expect(summary.latencyMicros.max).toBeGreaterThanOrEqual(910);
    expect(summary.latencyMicros.max).toBeLessThan(911);
    expect(summary.latencyMicros.p50).toBeGreaterThanOrEqual(250);
    expect(summary.latencyMicros.p50).toBeLessThan(251);
  });

  it('sums counters and errors and computes the error rate', () => {
    const a = new WindowRecorder();
    const b = new WindowRecorder();
    a.recordResponse(200, 5, 1000);
    a.recordError('timeout');
    b.recordResponse(404, 7, 2000);
    b.recordError('refused');
    b.recordError('refused');
    const merged = mergeWindows([a.take(0, 1000), b.take(1, 400)]);
    expect(merged.requests).toBe(2);
    expect(merged.bytes).toBe(12);
    expect(merged.errors).toEqual({ timeout: 1, refused: 2, reset: 0, other: 0 });
    expect(merged.spanMs).toBe(1400);
    const summary = summarize([]);
    expect(summary.requests).toBe(0);
    expect(summary.rps).toBe(0);
  });

  it('round-trips a histogram through its encoding and rejects garbage', () => {
    const h = createLatencyHistogram();
    recordLatency(h, 1234);
    recordLatency(h, 0);
    recordLatency(h, 10 * 3_600_000_000);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(3);
    expect(back.getValueAtPercentile(50)).toBe(h.getValueAtPercentile(50));
    expect(() => decodeHistogram('not a histogram')).toThrow(/cannot decode latency histogram/);
  });
});
