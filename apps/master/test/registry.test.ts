import { HEARTBEAT_EXPIRATION_MS, PROTOCOL_VERSION } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { WorkerRegistry } from '../src/workers/registry.js';

describe('WorkerRegistry', () => {
  it('knows workers from hello and heartbeats, and marks the silent ones missing', () => {
    let now = 10_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
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
    expect(registry.summaryCounts()).toEqual({ online: 1, busy: 0, missing: 1, lost: 0 });
  });
});

describe('WorkerRegistry: a window stands for a heartbeat', () => {
  it('keeps a worker whose windows flow busy and never missing, and counts a window only if no older than a heartbeat may be', () => {
    let now = 10_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
    // Its clock is 500 ms ahead of the master's; the heartbeat took 20 ms to arrive.
    registry.onHeartbeat({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: now + 480, workerId: 'a', activity: 'idle', runId: null });
    registry.markBusy('a', 'run-1');
    // Thirty seconds of windows, one a second, and no heartbeat.
    for (let second = 0; second < 30; second++) {
      now += 1000;
      registry.onWindow('a', now + 480);
      expect(registry.workerState('a')).toBe('busy');
    }
    expect(registry.list()[0]!.lastSeenAt).toBe(new Date(now).toISOString());
    // The windows stop: missing 3 s after the last one.
    now += 3001;
    expect(registry.workerState('a')).toBe('missing');
    // A master behind its queue reads a window sent 8 s ago: counted, as a heartbeat that old would have been.
    registry.onWindow('a', now - 8000 + 480);
    expect(registry.workerState('a')).toBe('busy');
    // One held in the broker for longer than a heartbeat lives there (the worker died meanwhile) is not.
    now += 3001;
    registry.onWindow('a', now - HEARTBEAT_EXPIRATION_MS - 1 + 480);
    expect(registry.workerState('a')).toBe('missing');
    // A window of a worker the master never heard from does not list it.
    registry.onWindow('b', now);
    expect(registry.workerState('b')).toBeNull();
  });
});

describe('WorkerRegistry at the end of a share', () => {
  const heartbeat = (workerId: string, activity: 'idle' | 'busy', runId: string | null, sentAt: number) =>
    ({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt, workerId, activity, runId }) as const;

  it('keeps a worker free when a heartbeat it sent before its share ended arrives after the end', () => {
    const now = 10_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
    registry.onHeartbeat(heartbeat('a', 'idle', null, now));
    registry.markBusy('a', 'run-1');
    registry.markIdle('a', 'run-1');
    registry.onHeartbeat(heartbeat('a', 'busy', 'run-1', now));
    expect(registry.available()).toEqual(['a']);
    // Busy with another run is believed, and so is a new share of the same run.
    registry.onHeartbeat(heartbeat('a', 'busy', 'run-2', now));
    expect(registry.available()).toEqual([]);
    registry.markIdle('a', 'run-2');
    registry.markBusy('a', 'run-2');
    registry.onHeartbeat(heartbeat('a', 'busy', 'run-2', now));
    expect(registry.available()).toEqual([]);
  });
});

describe('WorkerRegistry clock offsets', () => {
  it('estimates a worker clock offset from its messages, taking the sample least delayed in transit', () => {
    let now = 1_000_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
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

describe('WorkerRegistry missing and lost workers', () => {
  const hello = (workerId: string, sentAt: number) =>
    ({
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt,
      workerId,
      host: `host-${workerId}`,
      version: '1',
      capabilities: { cores: 2, memoryBytes: 8, maxConnections: 500 },
    }) as const;
  const heartbeat = (workerId: string, sentAt: number) =>
    ({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt, workerId, activity: 'idle', runId: null }) as const;

  it('marks a worker missing after missingAfterMs and lost after lostAfterMs, keeps it listed, and takes it back on its next heartbeat', () => {
    let now = 50_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
    registry.onHello(hello('w', now));
    const seenAt = now;
    const stateAfter = (ms: number) => {
      now = seenAt + ms;
      return registry.list()[0]!.state;
    };
    expect(stateAfter(3000)).toBe('online');
    expect(stateAfter(3001)).toBe('missing');
    expect(registry.available()).toEqual([]);
    expect(stateAfter(13_000)).toBe('missing');
    expect(stateAfter(13_001)).toBe('lost');
    expect(stateAfter(3_600_000)).toBe('lost');
    const lost = registry.list();
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ id: 'w', state: 'lost', lastSeenAt: new Date(seenAt).toISOString(), capabilities: { maxConnections: 500 } });
    expect(registry.summaryCounts()).toEqual({ online: 0, busy: 0, missing: 0, lost: 1 });

    // The same id again is the same entry: recognised, not counted twice.
    registry.onHeartbeat(heartbeat('w', now));
    expect(registry.list()).toHaveLength(1);
    expect(registry.list()[0]).toMatchObject({ id: 'w', state: 'online', lastSeenAt: new Date(now).toISOString(), capabilities: { maxConnections: 500 } });
    expect(registry.available()).toEqual(['w']);
    expect(registry.summaryCounts()).toEqual({ online: 1, busy: 0, missing: 0, lost: 0 });
  });

  it('reports each state change once per sweep: new, missing, lost and back', () => {
    let now = 0;
    const registry = new WorkerRegistry({ missingAfterMs: 300, lostAfterMs: 800, now: () => now });
    expect(registry.sweep()).toEqual([]);
    registry.onHello(hello('a', now));
    registry.onHello(hello('b', now));
    expect(registry.sweep()).toEqual([
      { workerId: 'a', state: 'online', previousState: null, lastSeenAt: 0 },
      { workerId: 'b', state: 'online', previousState: null, lastSeenAt: 0 },
    ]);
    expect(registry.sweep()).toEqual([]);
    now = 200;
    registry.onHeartbeat(heartbeat('b', now));
    registry.markBusy('b', 'run-1');
    now = 400;
    expect(registry.sweep()).toEqual([
      { workerId: 'a', state: 'missing', previousState: 'online', lastSeenAt: 0 },
      { workerId: 'b', state: 'busy', previousState: 'online', lastSeenAt: 200 },
    ]);
    now = 450;
    expect(registry.sweep()).toEqual([]);
    now = 801;
    registry.onHeartbeat({ ...heartbeat('b', now), activity: 'busy', runId: 'run-1' });
    expect(registry.sweep()).toEqual([{ workerId: 'a', state: 'lost', previousState: 'missing', lastSeenAt: 0 }]);
    registry.onHeartbeat(heartbeat('a', now));
    registry.onHeartbeat(heartbeat('b', now));
    expect(registry.sweep()).toEqual([
      { workerId: 'a', state: 'online', previousState: 'lost', lastSeenAt: 801 },
      { workerId: 'b', state: 'online', previousState: 'busy', lastSeenAt: 801 },
    ]);
    expect(registry.sweep()).toEqual([]);
  });

  it('refuses a lost delay that is not more than the missing one', () => {
    expect(() => new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 3000 })).toThrow(/lostAfterMs \(3000\) must be more than missingAfterMs \(3000\)/);
  });
});

describe('WorkerRegistry while the master cannot reach the broker', () => {
  it("does not count the time it hears nothing as the workers' silence", () => {
    let now = 50_000;
    const registry = new WorkerRegistry({ missingAfterMs: 3000, lostAfterMs: 13_000, now: () => now });
    registry.onHeartbeat({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: now, workerId: 'w', activity: 'busy', runId: null });
    now += 1000;
    registry.deaf();
    // A 20 s broker outage: not lost, not even missing, since the master could not have heard it.
    now += 20_000;
    expect(registry.list()[0]!.state).toBe('online');
    expect(registry.sweep().map((c) => c.state)).toEqual(['online']);
    registry.hearing();
    expect(registry.list()[0]!.state).toBe('online');
    // Its silence counts on from the 1 s it had stood at: missing 2 s later, lost 12 s later.
    now += 2500;
    expect(registry.list()[0]!.state).toBe('missing');
    now += 10_000;
    expect(registry.list()[0]!.state).toBe('lost');
  });
});
