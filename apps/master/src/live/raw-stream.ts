import type { LiveRunStateEvent, LiveWindowEvent } from '@loadtest/protocol';
import type { WebSocket } from 'ws';
import type { CredentialMatch, LiveCredential } from './live-credential.js';

/** Close code for a stream whose credential ended (logout, revocation, a disabled user). */
export const CLOSE_CREDENTIAL_ENDED = 4401;

/** A frame on the raw WebSocket stream: the Socket.IO events, tagged with their kind. */
export type RawStreamFrame = ({ event: 'run:window' } & LiveWindowEvent) | ({ event: 'run:state' } & LiveRunStateEvent);

/**
 * Subscribers of the raw WebSocket stream (`/api/v1/runs/:id/stream`), for
 * clients that do not speak Socket.IO. Each gets the same one-per-second
 * deltas and state changes as a Socket.IO subscriber of the run.
 */
export class RawStreamHub {
  private readonly byRun = new Map<string, Set<WebSocket>>();
  private readonly credentials = new Map<WebSocket, LiveCredential>();

  add(runId: string, socket: WebSocket, credential?: LiveCredential): void {
    if (credential) this.credentials.set(socket, credential);
    let sockets = this.byRun.get(runId);
    if (!sockets) this.byRun.set(runId, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => {
      this.credentials.delete(socket);
      sockets.delete(socket);
      if (sockets.size === 0) this.byRun.delete(runId);
    });
  }

  send(runId: string, frame: RawStreamFrame): void {
    const sockets = this.byRun.get(runId);
    if (!sockets) return;
    const text = JSON.stringify(frame);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  /** Closes the streams opened with a credential that has ended; answers how many. */
  closeWhere(match: CredentialMatch): number {
    let closed = 0;
    for (const [socket, credential] of this.credentials) {
      if (!match(credential)) continue;
      socket.close(CLOSE_CREDENTIAL_ENDED, 'the credentials of this stream have ended');
      this.credentials.delete(socket);
      closed++;
    }
    return closed;
  }

  closeAll(): void {
    for (const sockets of this.byRun.values()) for (const socket of sockets) socket.close(1001, 'server shutting down');
    this.byRun.clear();
  }
}
