import { describe, expect, it } from '@jest/globals';
import { LiveWorkerStateEventSchema, PROTOCOL_VERSION, SOCKET_EVENTS, WorkerResourceSchema } from '../src/index.js';

describe('worker state over REST and Socket.IO', () => {
  it('knows missing and lost workers, with when they were last seen', () => {
    const event = {
      v: PROTOCOL_VERSION,
      workerId: 'w1',
      state: 'lost',
      previousState: 'missing',
      lastSeenAt: '2024-01-01T00:00:00.000Z',
      at: '2024-01-01T00:00:13.500Z',
    };
    expect(LiveWorkerStateEventSchema.parse(event)).toEqual(event);
    expect(LiveWorkerStateEventSchema.safeParse({ ...event, state: 'gone' }).success).toBe(false);
    expect(LiveWorkerStateEventSchema.parse({ ...event, state: 'online', previousState: null }).previousState).toBeNull();
    expect(SOCKET_EVENTS.workerState).toBe('worker:state');
    const worker = {
      id: 'w1',
      host: 'h',
      version: '1',
      state: 'missing',
      lastHeartbeatAt: null,
      lastSeenAt: '2024-01-01T00:00:00.000Z',
      capabilities: null,
      clockOffsetMs: null,
      runId: null,
    };
    expect(WorkerResourceSchema.parse(worker).state).toBe('missing');
    expect(WorkerResourceSchema.safeParse({ ...worker, lastSeenAt: undefined }).success).toBe(false);
  });
});
