import {
  PROTOCOL_VERSION,
  RunSubscriptionSchema,
  describeIssues,
  type ClientToServerEvents,
  type LiveRunStateEvent,
  type LiveWindowEvent,
  type LiveWorkerStateEvent,
  type RunStatus,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@loadtest/protocol';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { CredentialMatch, LiveCredential } from './live-credential.js';
import type { WorkerStateChange } from '../workers/registry.js';

export interface LiveSocketOptions {
  logger: Logger;
  /** The run's current state, or null when there is no such run. */
  runState(runId: string): Promise<RunStatus | null>;
  /** Whether a connection's handshake may proceed (its Origin, its credentials): why not, or the credential it came with; every one when absent. */
  admitRequest?(request: IncomingMessage): Promise<{ refused: string } | { credential: LiveCredential }>;
}

const room = (runId: string) => `run:${runId}`;

/**
 * Socket.IO live updates. A client subscribes to a run and from then on gets
 * one merged window per second and the run's state changes, until it
 * unsubscribes. A client that joins late reads the timeline so far over REST.
 * Every client also gets each worker state change (`worker:state`), subscribed or not.
 */
export class LiveSocketServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Handshakes admitted, until their connection opens. */
  private readonly credentials = new WeakMap<IncomingMessage, LiveCredential>();
  /** Each open connection's credential, by socket id. */
  private readonly connected = new Map<string, LiveCredential>();

  constructor(
    httpServer: HttpServer,
    private readonly options: LiveSocketOptions,
  ) {
    const { admitRequest } = options;
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
      path: '/socket.io',
      serveClient: false,
      ...(admitRequest
        ? {
            allowRequest: (request, callback) => {
              admitRequest(request).then(
                (answer) => {
                  if ('refused' in answer) return callback(answer.refused, false);
                  // The handshake's request is the connection's `socket.request`: the credential is found there on connection.
                  this.credentials.set(request, answer.credential);
                  callback(null, true);
                },
                (error: unknown) => {
                  options.logger.error({ err: error }, 'live handshake check failed');
                  callback('the handshake could not be checked', false);
                },
              );
            },
          }
        : {}),
    });
    this.io.on('connection', (socket) => {
      const credential = this.credentials.get(socket.request);
      if (credential) this.connected.set(socket.id, credential);
      socket.on('disconnect', () => this.connected.delete(socket.id));
      socket.on('run:subscribe', (payload, ack) => {
        void this.subscription(payload, async (runId) => {
          await socket.join(room(runId));
        }).then((result) => (typeof ack === 'function' ? ack(result) : undefined));
      });
      socket.on('run:unsubscribe', (payload, ack) => {
        void this.subscription(payload, async (runId) => {
          await socket.leave(room(runId));
        }).then((result) => (typeof ack === 'function' ? ack(result) : undefined));
      });
    });
  }

  private async subscription(payload: unknown, apply: (runId: string) => Promise<void>): Promise<SubscribeAck> {
    const parsed = RunSubscriptionSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
    try {
      const state = await this.options.runState(parsed.data.runId);
      if (!state) return { ok: false, error: `run ${parsed.data.runId} not found` };
      await apply(parsed.data.runId);
      return { ok: true, state };
    } catch (error) {
      this.options.logger.error({ err: error }, 'subscription failed');
      return { ok: false, error: 'subscription failed' };
    }
  }

  emitWindow(event: LiveWindowEvent): void {
    this.io.to(room(event.runId)).emit('run:window', event);
  }

  emitState(runId: string, state: RunStatus, reason: string | null): LiveRunStateEvent {
    const event: LiveRunStateEvent = { v: PROTOCOL_VERSION, runId, state, at: new Date().toISOString(), reason };
    this.io.to(room(runId)).emit('run:state', event);
    return event;
  }

  /** To every connected client, subscribed to a run or not. */
  emitWorkerState(change: WorkerStateChange): LiveWorkerStateEvent {
    const event: LiveWorkerStateEvent = {
      v: PROTOCOL_VERSION,
      workerId: change.workerId,
      state: change.state,
      previousState: change.previousState,
      lastSeenAt: new Date(change.lastSeenAt).toISOString(),
      at: new Date().toISOString(),
    };
    this.io.emit('worker:state', event);
    return event;
  }

  /**
   * Disconnects every client and stops the engine. Not `io.close()`: that also
   * closes the HTTP server, which belongs to Fastify and is closed by it.
   */
  /** Closes the connections opened with a credential that has ended; answers how many. */
  disconnectWhere(match: CredentialMatch): number {
    let closed = 0;
    for (const [id, credential] of this.connected) {
      if (!match(credential)) continue;
      this.io.sockets.sockets.get(id)?.disconnect(true);
      this.connected.delete(id);
      closed++;
    }
    return closed;
  }

  close(): void {
    this.io.disconnectSockets(true);
    this.io.engine.close();
  }
}
