import { PROTOCOL_VERSION } from '@loadtest/protocol';
import { describe, expect, it } from 'vitest';
import { WorkerRegistry } from '../src/workers/registry.js';

describe('WorkerRegistry', () => {
  it('knows workers from hello and heartbeats, and marks the silent ones missing', () => {
    let now = 10_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, now: () => now });
    registry.onHello({
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt: now,
      workerId: 'b',
      host: 'host-b',
      version: '1',
      capabilities: { cores: 4, memoryBytes: 8, maxConnections: 100 },
    });
    registry.onHeartbeat({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: now, workerId: 'a', activity: 'idle', runId: null });
    expect(registry.available()).toEqual(['a', 'b']);
    registry.markBusy('a', 'run-1');
    expect(registry.available()).toEqual(['b']);
    now += 3500;
    registry.onHeartbeat({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: now, workerId: 'a', activity: 'idle', runId: null });
    const list = registry.list();
    expect(list.map((w) => [w.id, w.state])).toEqual([
      ['a', 'online'],
      ['b', 'missing'],
    ]);
    expect(list[1]!.capabilities).toEqual({ cores: 4, memoryBytes: 8, maxConnections: 100 });
    expect(list[0]!.capabilities).toBeNull();
    expect(list[0]!.lastHeartbeatAt).toBe(new Date(now).toISOString());
    expect(registry.summaryCounts()).toEqual({ online: 1, busy: 0, missing: 1 });
  });
});

describe('WorkerRegistry clock offsets', () => {
  it('estimates a worker clock offset from its messages, taking the sample least delayed in transit', () => {
    let now = 1_000_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, now: () => now });
    // The worker's clock is 400 ms ahead; transit takes 5 to 80 ms.
    for (const transit of [80, 5, 30, 60]) {
      now += 1000;
      registry.onHeartbeat({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: now - transit + 400, workerId: 'skewed', activity: 'idle', runId: null });
    }
    expect(registry.clockOffset('skewed')).toBe(395);
    expect(registry.list()[0]!.clockOffsetMs).toBe(395);
    expect(registry.clockOffset('unknown')).toBeNull();
  });
});
