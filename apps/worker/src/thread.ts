import { PortWorkerTransport, type TransportEvents } from '@loadtest/transport';
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { workerIdentity } from './identity.js';
import { createLogger } from '@loadtest/engine';
import { WorkerAgent } from './worker-agent.js';

/**
 * Entry point of the local worker that the master starts in a worker thread in
 * the one-command mode. It talks to the master over the in-process transport,
 * and generates load on its own thread (or on `threads` engine threads of its
 * own), never on the master's event loop.
 */
interface LocalWorkerData {
  port: MessagePort;
  workerId: string;
  /** Engine threads to run shares on (nested worker threads when more than 1); 1 when not given. */
  threads?: number;
}

const data = workerData as LocalWorkerData;
const threads = data.threads ?? 1;
const identity = { ...workerIdentity(process.env, { threads }), workerId: data.workerId };
const logger = createLogger('worker', { workerId: identity.workerId, thread: 'local' });
const events: TransportEvents = {};
const transport = new PortWorkerTransport(data.port, logger, events);
const agent = new WorkerAgent(identity, transport, logger, { threads });
events.onConnected = () => agent.sayHello();

parentPort?.on('message', (message: unknown) => {
  if (message === 'shutdown') {
    agent
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'local worker shutdown failed'))
      .finally(() => parentPort?.close());
  }
});

agent.start().catch((error: unknown) => {
  logger.fatal({ err: error }, 'local worker failed to start');
  process.exitCode = 1;
});
