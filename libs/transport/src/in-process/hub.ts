import { parseWorkerToMaster, type MasterHeartbeat, type MasterToOneWorker, type RunAssignAll, type WorkerToMaster } from '@loadtest/protocol';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { UndeliveredAssignment, type MasterTransport, type MessageHandler } from '../transport.js';
import { PortEndpoint } from './port-endpoint.js';

/**
 * The master's side of the in-process transport used by the one-command local
 * mode. Each worker (usually in its own worker thread) gets a MessagePort from
 * `connectWorker()`; the hub routes each assignment to that worker's port only.
 */
export class InProcessHub implements MasterTransport {
  private handler: MessageHandler<WorkerToMaster> | undefined;
  private readonly endpoints = new Set<PortEndpoint<WorkerToMaster>>();
  private readonly byWorker = new Map<string, PortEndpoint<WorkerToMaster>>();

  constructor(private readonly logger: Logger) {}

  /** Returns the port to hand to a worker (transfer it to a worker thread with postMessage or workerData). */
  connectWorker(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    const endpoint: PortEndpoint<WorkerToMaster> = new PortEndpoint(port1, parseWorkerToMaster, this.logger, 'in-process', (workerId) =>
      this.byWorker.set(workerId, endpoint),
    );
    if (this.handler) endpoint.setHandler(this.handler);
    this.endpoints.add(endpoint);
    return port2;
  }

  async listen(handler: MessageHandler<WorkerToMaster>): Promise<void> {
    this.handler = handler;
    for (const endpoint of this.endpoints) endpoint.setHandler(handler);
  }

  async sendToWorker(message: MasterToOneWorker): Promise<void> {
    const endpoint = this.byWorker.get(message.workerId);
    if (!endpoint) throw new Error(`in-process transport: no worker "${message.workerId}" is connected`);
    await endpoint.send(message);
  }

  async broadcast(message: MasterHeartbeat): Promise<void> {
    // Not waited for: a worker thread that is busy or gone must not hold the others' heartbeat back.
    for (const [workerId, endpoint] of this.byWorker) {
      endpoint.send(message).catch((error: unknown) => this.logger.debug({ err: error, workerId }, 'in-process broadcast not delivered'));
    }
  }

  async assignAll(message: RunAssignAll): Promise<void> {
    // The same one message to each worker of the run; each takes its own entry.
    const outcomes = await Promise.allSettled(
      message.shares.map(async ({ workerId }) => {
        const endpoint = this.byWorker.get(workerId);
        if (!endpoint) throw new Error(`no worker "${workerId}" is connected`);
        await endpoint.send(message);
      }),
    );
    const missed = message.shares.filter((_, i) => outcomes[i]!.status === 'rejected').map((s) => s.workerId);
    if (missed.length > 0) throw new UndeliveredAssignment(missed, 'in-process transport: not connected');
  }

  async close(): Promise<void> {
    for (const endpoint of this.endpoints) endpoint.close();
    this.endpoints.clear();
    this.byWorker.clear();
  }
}
