import { describe, expect, it } from '@jest/globals';
import { parseShareId, parseWorkerToMaster, PROTOCOL_VERSION, shareId } from '../src/index.js';

describe('share parts', () => {
  it('names a part <workerId>~<part> and reads it back; a worker own share is its id', () => {
    expect(shareId('kill-w1')).toBe('kill-w1');
    expect(shareId('kill-w1', null)).toBe('kill-w1');
    expect(shareId('kill-w1', 2)).toBe('kill-w1~2');
    expect(parseShareId('kill-w1~2')).toEqual({ workerId: 'kill-w1', part: 2 });
    expect(parseShareId('kill-w1')).toEqual({ workerId: 'kill-w1', part: null });
    expect(parseShareId('odd~x')).toEqual({ workerId: 'odd~x', part: null });
  });

  it('carries a part on a window and a state, and refuses a part that is not a whole number ≥ 1', () => {
    const window = {
      v: PROTOCOL_VERSION,
      type: 'run.window',
      sentAt: 1,
      runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
      workerId: 'w1',
      seq: 0,
      second: 5,
      data: 'VwEDAA==',
      part: 1,
    };
    expect(parseWorkerToMaster(window)).toEqual({ ok: true, value: window });
    const state = { v: PROTOCOL_VERSION, type: 'run.state', sentAt: 1, runId: window.runId, workerId: 'w1', state: 'finished', windows: 3, part: 2 };
    expect(parseWorkerToMaster(state)).toEqual({ ok: true, value: state });
    const zero = parseWorkerToMaster({ ...window, part: 0 });
    expect(zero.ok).toBe(false);
    if (!zero.ok) expect(zero.reason).toContain('part');
    // A worker id cannot hold the separator, so a share id is never mistaken for a worker's.
    expect(parseWorkerToMaster({ ...window, workerId: 'w1~1' }).ok).toBe(false);
  });
});
