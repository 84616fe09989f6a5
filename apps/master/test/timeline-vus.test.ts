import { describe, expect, it } from '@jest/globals';
import { WindowRecorder } from '@loadtest/metrics';
import { bucketPoint, vusInProgress, type WorkerWindow } from '@loadtest/metrics';

const window = (workerId: string, second: number, vus: number | undefined, step = 'root'): WorkerWindow => {
  const recorder = new WindowRecorder();
  recorder.recordResponse(step, 200, 10, 10, 1000);
  return { ...recorder.take(second, 1000), ...(vus === undefined ? {} : { vus }), workerId };
};

describe('VUs in progress on the timeline', () => {
  it('adds the workers’ VUs of a second, and takes the mean over the seconds of a longer bucket', () => {
    const windows = [window('w1', 0, 10), window('w2', 0, 12), window('w1', 1, 20), window('w2', 1, 21)];
    expect(bucketPoint(0, windows.slice(0, 2)).vus).toBe(22);
    expect(bucketPoint(0, windows).vus).toBe(31.5);
  });

  it('keeps them under a step filter (VUs are a worker’s, not a step’s)', () => {
    const windows = [window('w1', 0, 7, 'login'), window('w2', 0, 5, 'search')];
    expect(bucketPoint(0, windows, 'login').vus).toBe(12);
    expect(bucketPoint(0, windows, 'login').requests).toBe(1);
  });

  it('is null for windows from before it was measured, and counts only the seconds that measured it', () => {
    expect(vusInProgress([window('w1', 0, undefined)])).toBeNull();
    expect(vusInProgress([window('w1', 0, undefined), window('w1', 1, 4)])).toBe(4);
  });
});
