import type { ClientToServerEvents, ServerToClientEvents } from '@loadtest/protocol';
import { io, type Socket } from 'socket.io-client';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LiveSocket | null = null;

/**
 * The app's one Socket.IO connection to the master (same origin, so the browser sends the session cookie with its
 * handshake). Made without connecting: the master refuses a handshake without a session, so `openLive` connects it
 * once logged in. Pages may listen on it before then.
 */
export function liveSocket(): LiveSocket {
  socket ??= io({ transports: ['websocket', 'polling'], autoConnect: false });
  return socket;
}

/** Connects after a login; a connection made under another session is made again, so the new cookie is the one sent. */
export function openLive(): void {
  const live = liveSocket();
  if (live.connected || live.active) live.disconnect();
  live.connect();
}

/** Disconnects on logout (and when the session ends): it reconnects only through `openLive`. */
export function closeLive(): void {
  socket?.disconnect();
}
