import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FAST_START_HEARTBEATS, startMasterHeartbeat } from '../src/workers/master-heartbeat.js';

describe('master heartbeat schedule', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  }, 60_000);
  afterEach(() => {
    jest.useRealTimers();
  }, 60_000);

  it('beats each second for the first ten after a start, then at its interval; none while the broker is away', () => {
    const sentAt: number[] = [];
    let reachable = true;
    const heartbeat = startMasterHeartbeat({ intervalMs: 5000, canSend: () => reachable, send: () => sentAt.push(Date.now()) });
    const start = Date.now();
    jest.advanceTimersByTime(FAST_START_HEARTBEATS * 1000);
    expect(sentAt.map((t) => t - start)).toEqual(Array.from({ length: FAST_START_HEARTBEATS }, (_, i) => (i + 1) * 1000));
    jest.advanceTimersByTime(20_000);
    expect(sentAt.slice(FAST_START_HEARTBEATS).map((t) => t - start)).toEqual([15_000, 20_000, 25_000, 30_000]);
    reachable = false;
    jest.advanceTimersByTime(20_000);
    expect(sentAt).toHaveLength(FAST_START_HEARTBEATS + 4);
    reachable = true;
    jest.advanceTimersByTime(5000);
    expect(sentAt).toHaveLength(FAST_START_HEARTBEATS + 5);
    heartbeat.stop();
    jest.advanceTimersByTime(60_000);
    expect(sentAt).toHaveLength(FAST_START_HEARTBEATS + 5);
  });

  it('with an interval under a second, uses it from the start', () => {
    const sent: number[] = [];
    const heartbeat = startMasterHeartbeat({ intervalMs: 250, canSend: () => true, send: () => sent.push(Date.now()) });
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(4);
    heartbeat.stop();
  });
});
