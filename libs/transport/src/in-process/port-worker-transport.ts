import { parseMasterToWorker, type MasterToWorker, type WorkerToMaster } from '@loadtest/protocol';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MessageHandler, TransportEvents, WorkerTransport } from '../transport.js';
import { PortEndpoint } from './port-endpoint.js';

/** A worker's side of the in-process transport, over a port from `InProcessHub.connectWorker()`. */
export class PortWorkerTransport implements WorkerTransport {
  private readonly endpoint: PortEndpoint<MasterToWorker>;

  constructor(
    port: MessagePort,
    logger: Logger,
    private readonly events: TransportEvents = {},
  ) {
    this.endpoint = new PortEndpoint(port, parseMasterToWorker, logger, 'in-process');
  }

  async listen(workerId: string, handler: MessageHandler<MasterToWorker>): Promise<void> {
    this.endpoint.setHandler(handler);
    await this.endpoint.announce(workerId);
    this.events.onConnected?.();
  }

  sendToMaster(message: WorkerToMaster): Promise<void> {
    return this.endpoint.send(message);
  }

  async close(): Promise<void> {
    this.endpoint.close();
  }
}
