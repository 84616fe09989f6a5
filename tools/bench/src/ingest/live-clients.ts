import { ENDED_RUN_STATES, type ClientToServerEvents, type RunStatus, type ServerToClientEvents, type SubscribeAck } from '@loadtest/protocol';
import { io, type Socket } from 'socket.io-client';
import { BENCH_AUTH_HEADERS } from './infra.js';

export interface ReceivedWindow {
  client: number;
  runId: string;
  second: number;
  /** When the event arrived, epoch ms. */
  receivedAt: number;
  requests: number;
  /** Workers merged into the event. */
  workers: number;
  /** Shares whose window had not arrived when the master sent the event (its live deadline came first). */
  missingWorkers: number;
  /** The event replaces an earlier one of the same second, now with a late window in it. */
  revision: boolean;
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** N Socket.IO clients (websocket transport, one connection each) that record every live window they receive. */
export class LiveClients {
  readonly windows: ReceivedWindow[] = [];
  readonly ended = new Map<string, { state: RunStatus; reason: string | null; at: number }>();
  readonly disconnects: string[] = [];
  private readonly sockets: LiveSocket[] = [];

  static async connect(url: string, count: number, timeoutMs = 10_000): Promise<LiveClients> {
    const clients = new LiveClients();
    await Promise.all(Array.from({ length: count }, (_, i) => clients.open(url, i, timeoutMs)));
    return clients;
  }

  private open(url: string, client: number, timeoutMs: number): Promise<void> {
    const socket: LiveSocket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
      extraHeaders: BENCH_AUTH_HEADERS,
    });
    this.sockets.push(socket);
    socket.on('run:window', (event) => {
      this.windows.push({
        client,
        runId: event.runId,
        second: event.second,
        receivedAt: Date.now(),
        requests: event.requests,
        workers: event.workers,
        missingWorkers: event.missingWorkers,
        revision: event.revision,
      });
    });
    socket.on('run:state', (event) => {
      if (ENDED_RUN_STATES.includes(event.state) && !this.ended.has(event.runId))
        this.ended.set(event.runId, { state: event.state, reason: event.reason, at: Date.now() });
    });
    socket.on('disconnect', (reason) => this.disconnects.push(`client ${client}: ${reason}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket client ${client} did not connect within ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new Error(`socket client ${client}: ${error.message}`));
      });
    });
  }

  /** Subscribes every client to the run; resolves with the acknowledgements. */
  async subscribe(runId: string, timeoutMs = 10_000): Promise<SubscribeAck[]> {
    return Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<SubscribeAck>((resolve) => {
            const timer = setTimeout(() => resolve({ ok: false, error: `no acknowledgement within ${timeoutMs} ms` }), timeoutMs);
            socket.emit('run:subscribe', { runId }, (ack) => {
              clearTimeout(timer);
              resolve(ack);
            });
          }),
      ),
    );
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
  }
}
