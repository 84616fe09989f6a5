import {
  LiveRunStateEventSchema,
  LiveWindowEventSchema,
  SOCKET_EVENTS,
  SubscribeAckSchema,
  type ClientToServerEvents,
  type LiveRunStateEvent,
  type LiveWindowEvent,
  type RunStatus,
  type ServerToClientEvents,
} from '@loadtest/protocol';
import { io, type Socket } from 'socket.io-client';
import type { MasterTarget } from './master-options.js';

export interface LiveRunHandlers {
  window(event: LiveWindowEvent): void;
  state(event: LiveRunStateEvent): void;
  /** An event the CLI could not read, or a lost connection: told once each, the run goes on (the REST API still answers). */
  problem(message: string): void;
}

export interface LiveRun {
  /** The run's state when the subscription took effect. */
  state: RunStatus;
  close(): void;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Follows one run over the master's Socket.IO stream: `run:subscribe`, then one merged `run:window` per second and
 * each `run:state`. Events are parsed with the protocol's schemas; one that does not parse is reported, not trusted.
 */
export async function followRun(target: MasterTarget, runId: string, handlers: LiveRunHandlers): Promise<LiveRun> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(target.url, {
    path: '/socket.io',
    // The websocket transport alone: extraHeaders reach it in Node, and long-polling would add a round trip per event.
    transports: ['websocket'],
    extraHeaders: target.token ? { authorization: `Bearer ${target.token}` } : {},
    reconnectionDelayMax: 2000,
    timeout: CONNECT_TIMEOUT_MS,
  });
  socket.on(SOCKET_EVENTS.window, (event: unknown) => {
    const parsed = LiveWindowEventSchema.safeParse(event);
    if (parsed.success) handlers.window(parsed.data);
    else handlers.problem(`ignored a live window the CLI cannot read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
  socket.on(SOCKET_EVENTS.state, (event: unknown) => {
    const parsed = LiveRunStateEventSchema.safeParse(event);
    if (parsed.success) handlers.state(parsed.data);
    else handlers.problem(`ignored a run state event the CLI cannot read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    const ack = SubscribeAckSchema.parse(await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck(SOCKET_EVENTS.subscribe, { runId }));
    if (!ack.ok) throw new Error(ack.error);
    // After the first subscription, a reconnection subscribes again (the server forgets rooms with the connection).
    socket.io.on('reconnect', () => socket.emit(SOCKET_EVENTS.subscribe, { runId }));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') handlers.problem(`live stream interrupted (${reason}); reconnecting`);
    });
    return { state: ack.state, close: () => socket.close() };
  } catch (error) {
    socket.close();
    throw error;
  }
}
