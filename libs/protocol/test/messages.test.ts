import { describe, expect, it } from '@jest/globals';
import {
  parseMasterToWorker,
  parseWorkerToMaster,
  PlanObjectSchema,
  PROTOCOL_VERSION,
  TRIAL_EXCERPT_BYTES,
  WORKER_TO_MASTER_TYPES,
  type RunWindow,
  type TrialRequestEvent,
  type TrialTrace,
} from '../src/index.js';

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

  describe('trials', () => {
    const trialId = '0b8f5a2e-7c41-4d0a-9a57-3f1e2d4c5b60';
    const assign = {
      v: PROTOCOL_VERSION,
      type: 'trial.assign',
      sentAt: 1,
      trialId,
      workerId: 'w',
      plan: PlanObjectSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ kind: 'http', name: 'a', method: 'GET', url: '/' }] }),
      timeoutSeconds: 10,
      iterationSeconds: 60,
    };
    const trace: TrialTrace = {
      events: [
        {
          kind: 'request',
          step: 0,
          name: 'login',
          request: {
            method: 'POST',
            url: 'http://127.0.0.1:1/login',
            headers: [{ name: 'Host', value: '127.0.0.1:1' }],
            bodyExcerpt: '{}',
            bodyTruncated: false,
            bodyBytes: 2,
          },
          response: { status: 200, headers: [], bodyExcerpt: '{"token":"t"}', bodyTruncated: false, bodyBytes: 13, latencyMs: 1.5 },
          error: null,
          extracted: [{ var: 'token', value: 't', defaulted: false }],
          checks: [{ description: 'status in [200]', passed: true }],
        },
        { kind: 'if', name: null, condition: 'status equals 200', taken: 'then' },
        { kind: 'think', ms: 100 },
        { kind: 'request', step: 1, name: 'p', request: null, response: null, error: { kind: 'other', message: 'not sent' }, extracted: [], checks: [] },
      ],
      eventsTruncated: false,
      failure: null,
      durationMs: 12,
    };
    const result = { v: PROTOCOL_VERSION, type: 'trial.result', sentAt: 2, trialId, workerId: 'w', trace };

    it('parses trial.assign (master → worker) and trial.result (worker → master), each only in its direction', () => {
      expect(parseMasterToWorker(assign)).toEqual({ ok: true, value: assign });
      expect(parseWorkerToMaster(Buffer.from(JSON.stringify(result)))).toEqual({ ok: true, value: result });
      expect(parseWorkerToMaster(assign).ok).toBe(false);
      expect(parseMasterToWorker(result).ok).toBe(false);
      expect(WORKER_TO_MASTER_TYPES).toContain('trial.result');
    });

    it('names what is wrong: a missing plan, a trial id that is not a UUID, an unknown event kind, an excerpt over its cap', () => {
      const { plan: _plan, ...noPlan } = assign;
      const missing = parseMasterToWorker(noPlan);
      expect(missing.ok).toBe(false);
      if (!missing.ok) expect(missing.reason).toContain('plan');
      const badId = parseWorkerToMaster({ ...result, trialId: 'nope' });
      expect(badId.ok).toBe(false);
      if (!badId.ok) expect(badId.reason).toContain('trialId');
      const badEvent = parseWorkerToMaster({ ...result, trace: { ...trace, events: [{ kind: 'sleep', ms: 1 }] } });
      expect(badEvent.ok).toBe(false);
      const huge = { ...trace.events[0]!, request: { ...(trace.events[0] as TrialRequestEvent).request!, bodyExcerpt: 'x'.repeat(3 * TRIAL_EXCERPT_BYTES) } };
      const tooLong = parseWorkerToMaster({ ...result, trace: { ...trace, events: [huge] } });
      expect(tooLong.ok).toBe(false);
      if (!tooLong.ok) expect(tooLong.reason).toContain('bodyExcerpt');
    });
  });
});
