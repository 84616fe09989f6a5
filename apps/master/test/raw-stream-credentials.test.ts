import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { CLOSE_CREDENTIAL_ENDED, RawStreamHub } from '../src/live/raw-stream.js';

/** Enough of a ws WebSocket for the hub: it records how it was closed. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  closedWith: number | undefined;
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
  send(): void {
    // Frames are not what this test is about.
  }
}

describe('raw streams and ended credentials', () => {
  it('closes the streams opened with an ended credential (4401), and only those', () => {
    const hub = new RawStreamHub();
    const revoked = new FakeSocket();
    const kept = new FakeSocket();
    hub.add('run-1', revoked as unknown as WebSocket, { userId: 'u1', credentialId: 'token-1', via: 'token' });
    hub.add('run-1', kept as unknown as WebSocket, { userId: 'u2', credentialId: 'session-2', via: 'session' });
    expect(hub.closeWhere((c) => c.credentialId === 'token-1')).toBe(1);
    expect(revoked.closedWith).toBe(CLOSE_CREDENTIAL_ENDED);
    expect(kept.closedWith).toBeUndefined();
    expect(hub.closeWhere((c) => c.credentialId === 'token-1')).toBe(0);
  });
});
