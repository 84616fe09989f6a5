import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@loadtest/protocol';
import { brokerNames } from '../src/index.js';

const runId = '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01';

describe('brokerNames', () => {
  it('gives each worker its own queue and binding, under a namespace', () => {
    const names = brokerNames('ns1');
    expect(names.exchange).toBe('ns1');
    expect(names.masterQueue).toBe('ns1.master');
    expect(names.workerQueue('a')).toBe('ns1.worker.a');
    expect(names.workerQueue('a')).not.toBe(names.workerQueue('b'));
    expect(names.workerRoutingKey('a')).toBe('to-worker.a.#');
    // The broadcast key matches the binding every worker queue has, and no single worker's.
    expect(names.broadcastRoutingKey({ v: PROTOCOL_VERSION, type: 'master.heartbeat', sentAt: 0, masterId: '77777777-7777-4777-8777-777777777777' })).toBe(
      'to-workers.all.master.heartbeat',
    );
    expect(names.broadcastBindingKey).toBe('to-workers.all.#');
    expect(names.workerRoutingKey('a', { v: PROTOCOL_VERSION, type: 'run.stop', sentAt: 0, runId, workerId: 'a' })).toBe('to-worker.a.run.stop');
    expect(() => brokerNames('bad name')).toThrow(/namespace/);
  });
});
