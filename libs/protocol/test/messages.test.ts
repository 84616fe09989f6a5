import { describe, expect, it } from '@jest/globals';
import { parseMasterToWorker, parseWorkerToMaster, PROTOCOL_VERSION, type RunWindow } from '../src/index.js';

const window: RunWindow = {
  v: PROTOCOL_VERSION,
  type: 'run.window',
  sentAt: 1_700_000_000_000,
  runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
  workerId: 'worker-1',
  seq: 3,
  second: 3,
  data: 'VwEDAA==',
};

describe('broker messages', () => {
  it('parses each message type from JSON bytes', () => {
    const parsed = parseWorkerToMaster(Buffer.from(JSON.stringify(window)));
    expect(parsed).toEqual({ ok: true, value: window });
    const hello = {
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt: 1,
      workerId: 'w',
      host: 'h',
      version: '1',
      capabilities: { cores: 2, memoryBytes: 1, maxConnections: 10 },
    };
    expect(parseWorkerToMaster(hello).ok).toBe(true);
    const stop = { v: PROTOCOL_VERSION, type: 'run.stop', sentAt: 1, runId: window.runId, workerId: 'w' };
    expect(parseMasterToWorker(stop).ok).toBe(true);
  });

  it('rejects another protocol version with a reason', () => {
    const parsed = parseWorkerToMaster({ ...window, v: 1 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain('unsupported protocol version');
  });

  it('rejects bytes that are not JSON, unknown types and missing fields, naming them', () => {
    const garbage = parseWorkerToMaster(Buffer.from('{not json'));
    expect(garbage).toMatchObject({ ok: false });
    if (!garbage.ok) expect(garbage.reason).toMatch(/^not JSON/);
    const unknown = parseWorkerToMaster({ ...window, type: 'run.explode' });
    expect(unknown.ok).toBe(false);
    const { seq: _seq, ...noSeq } = window;
    const missing = parseWorkerToMaster(noSeq);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toContain('seq');
    const negative = parseWorkerToMaster({ ...window, second: -1 });
    if (!negative.ok) expect(negative.reason).toContain('second');
    expect(negative.ok).toBe(false);
    const notBase64 = parseWorkerToMaster({ ...window, data: '***' });
    expect(notBase64.ok).toBe(false);
  });

  it('does not accept a master → worker message from a worker, nor the reverse', () => {
    expect(parseMasterToWorker(window).ok).toBe(false);
  });
});
