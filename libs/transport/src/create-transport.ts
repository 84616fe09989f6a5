import type { Logger } from 'pino';
import { AmqpMasterTransport } from './amqp/master-transport.js';
import { redactUrl } from './amqp/connection.js';
import { AmqpWorkerTransport } from './amqp/worker-transport.js';
import { InProcessHub } from './in-process/hub.js';
import type { MasterTransport, TransportEvents, WorkerTransport } from './transport.js';

/** How the master and its workers talk: RabbitMQ when a URL is given, else in-process (the one-command default). */
export interface TransportConfig {
  amqpUrl?: string | undefined;
  /** Prefix of every broker object (default `loadtest`): several installations can share a broker. */
  namespace?: string | undefined;
}

export interface MasterTransportSetup {
  transport: MasterTransport;
  /** The in-process hub (local worker threads connect to it), or null over RabbitMQ. */
  hub: InProcessHub | null;
  /** For the logs: `in-process` or the broker's URL without its password. */
  description: string;
}

/**
 * The master's transport for its configuration. Nothing connects yet: RabbitMQ is reached when the master
 * starts listening; `events` hears when the broker connection goes and comes back.
 */
export function createMasterTransport(config: TransportConfig, logger: Logger, events: TransportEvents = {}): MasterTransportSetup {
  if (!config.amqpUrl) {
    const hub = new InProcessHub(logger);
    return { transport: hub, hub, description: 'in-process' };
  }
  return { transport: new AmqpMasterTransport(config.amqpUrl, logger, events, config.namespace), hub: null, description: `amqp ${redactUrl(config.amqpUrl)}` };
}

/**
 * A standalone worker's transport: RabbitMQ only (in-process workers are threads the master starts, with a port
 * of its hub). Throws, naming AMQP_URL, without a URL.
 */
export function createWorkerTransport(config: TransportConfig, logger: Logger, events: TransportEvents = {}): WorkerTransport {
  if (!config.amqpUrl)
    throw new Error('AMQP_URL is not set: a standalone worker reaches the master through RabbitMQ (the local worker is started by the master itself)');
  return new AmqpWorkerTransport(config.amqpUrl, logger, events, config.namespace);
}
