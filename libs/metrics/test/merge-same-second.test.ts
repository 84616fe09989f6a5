import { describe, expect, it } from '@jest/globals';
import { decodeWindow, encodeWindow, mergeSameSecond, mergeWindows, summarizeMerged, WindowRecorder } from '../src/index.js';

describe('mergeSameSecond', () => {
  it('adds the threads’ windows of one second exactly: requests, histograms, dropped; the longest duration', () => {
    const a = new WindowRecorder();
    const b = new WindowRecorder();
    for (let i = 1; i <= 100; i++) a.recordResponse('root', 200, 10, 10, i * 10);
    for (let i = 1; i <= 50; i++) b.recordResponse('root', 200, 10, 10, i * 1000);
    b.recordResponse('login', 200, 10, 10, 5000);
    const wa = { ...a.take(3, 1000), dropped: 2, vus: 4 };
    const wb = { ...b.take(3, 980), dropped: 1, vus: 6 };
    const merged = mergeSameSecond(3, [wa, wb]);
    expect(merged.second).toBe(3);
    expect(merged.durationMs).toBe(1000);
    expect(merged.dropped).toBe(3);
    expect(merged.vus).toBe(10);
    expect(merged.steps.get('root')!.requests).toBe(150);
    expect(merged.steps.get('login')!.requests).toBe(1);
    // The same figures as merging the two windows the way the master does.
    expect(summarizeMerged(mergeWindows([decodeWindow(encodeWindow(merged))]))).toEqual(summarizeMerged(mergeWindows([wa, wb])));
  });

  it('refuses a window of another second', () => {
    const recorder = new WindowRecorder();
    expect(() => mergeSameSecond(1, [recorder.take(2, 1000)])).toThrow(/second 2 among those of second 1/);
  });
});
