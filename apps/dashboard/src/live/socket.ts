import type { ClientToServerEvents, ServerToClientEvents } from '@loadtest/protocol';
import { io, type Socket } from 'socket.io-client';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LiveSocket | null = null;

/** The app's one Socket.IO connection to the master (same origin; reconnects by itself). */
export function liveSocket(): LiveSocket {
  socket ??= io({ transports: ['websocket', 'polling'] });
  return socket;
}
