import type { ParseResult } from '@loadtest/protocol';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { deliver } from '../deliver.js';
import type { MessageHandler } from '../transport.js';
import { isPortFrame, type PortFrame } from './port-messages.js';

const MAX_RETRY_DELAY_MS = 5000;

/**
 * One end of a MessagePort that gives the guarantees the AMQP transport gives:
 * a send resolves only when the other side has handled the message (the
 * in-process "confirm"), received messages are handled one at a time in order,
 * and a failed handler is retried with backoff instead of losing the message.
 */
export class PortEndpoint<In> {
  private nextId = 0;
  private readonly pending = new Map<number, () => void>();
  private queue: Promise<void> = Promise.resolve();
  private handler: MessageHandler<In> | undefined;
  private closed = false;
  /** Settles once a handler is set (or the port closes): messages that arrive before wait for it, in order. */
  private handlerSet!: () => void;
  private readonly handlerReady = new Promise<void>((resolve) => (this.handlerSet = resolve));

  constructor(
    private readonly port: MessagePort,
    private readonly parse: (raw: unknown) => ParseResult<In>,
    private readonly logger: Logger,
    private readonly source: string,
    private readonly onListen?: (workerId: string) => void,
  ) {
    port.on('message', (frame: unknown) => this.onFrame(frame));
  }

  setHandler(handler: MessageHandler<In>): void {
    this.handler = handler;
    this.handlerSet();
  }

  post(frame: PortFrame): void {
    if (!this.closed) this.port.postMessage(frame);
  }

  send(payload: unknown): Promise<void> {
    return this.request((id) => ({ kind: 'message', id, payload }));
  }

  /** Tells the hub which worker is on this port; resolves once the hub has taken note. */
  announce(workerId: string): Promise<void> {
    return this.request((id) => ({ kind: 'listen', id, workerId }));
  }

  private request(frame: (id: number) => PortFrame): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.source}: port is closed`));
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage(frame(id));
    });
  }

  close(): void {
    this.closed = true;
    this.handlerSet();
    this.port.close();
  }

  private onFrame(frame: unknown): void {
    if (!isPortFrame(frame)) {
      this.logger.warn({ source: this.source }, 'rejected invalid port frame');
      return;
    }
    switch (frame.kind) {
      case 'ack':
        this.pending.get(frame.id)?.();
        this.pending.delete(frame.id);
        return;
      case 'listen':
        this.onListen?.(frame.workerId);
        this.post({ kind: 'ack', id: frame.id });
        return;
      case 'message':
        this.queue = this.queue.then(() => this.handle(frame.id, frame.payload));
        return;
    }
  }

  private async handle(id: number, payload: unknown): Promise<void> {
    // A worker thread started alongside the master's own start-up may say hello before the master listens.
    await this.handlerReady;
    for (let attempt = 0; !this.closed; attempt++) {
      const handler = this.handler;
      if (!handler) break;
      const outcome = await deliver(payload, this.parse, handler, this.logger, this.source);
      if (outcome !== 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, MAX_RETRY_DELAY_MS)));
    }
    this.post({ kind: 'ack', id });
  }
}
