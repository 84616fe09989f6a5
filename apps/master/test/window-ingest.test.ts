import { encodeWindowBase64, WindowRecorder } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunWindow } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { decodeRunWindow } from '../src/runs/window-ingest.js';

const windowMessage = (fields: Partial<RunWindow> = {}, dataSecond = 3): RunWindow => {
  const recorder = new WindowRecorder();
  recorder.recordResponse('r', 200, 10, 5, 1000);
  return {
    v: PROTOCOL_VERSION,
    type: 'run.window',
    sentAt: 0,
    runId: 'run-1',
    workerId: 'w1',
    seq: 3,
    second: 3,
    data: encodeWindowBase64(recorder.take(dataSecond, 1000)),
    ...fields,
  };
};

describe('decodeRunWindow', () => {
  it("decodes a worker's window under its worker id", () => {
    const decoded = decodeRunWindow(windowMessage());
    expect(decoded.ok && decoded.received.window.workerId).toBe('w1');
    expect(decoded.ok && decoded.received.measured.steps.get('r')?.requests).toBe(1);
  });

  it("keys a part's window by its share id, beside the worker's own share", () => {
    const decoded = decodeRunWindow(windowMessage({ part: 2 }));
    expect(decoded.ok && decoded.received.window.workerId).toBe('w1~2');
  });

  it('refuses a window whose data is for another second than the message says', () => {
    expect(decodeRunWindow(windowMessage({}, 4))).toEqual({ ok: false, reason: 'message says second 3, data says 4' });
  });

  it('refuses data that cannot be decoded, saying why', () => {
    const decoded = decodeRunWindow(windowMessage({ data: 'AAAA' }));
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason.length).toBeGreaterThan(0);
  });
});
