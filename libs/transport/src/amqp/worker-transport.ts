import { HEARTBEAT_EXPIRATION_MS, parseMasterToWorker, type MasterToWorker, type WorkerToMaster } from '@loadtest/protocol';
import { brokerNames, type BrokerNames } from './broker-names.js';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { deliver } from '../deliver.js';
import type { MessageHandler, TransportEvents, WorkerTransport } from '../transport.js';
import { GUEST_USER } from './broker-permissions.js';
import { amqpUser, connectAmqp } from './connection.js';
import { publishConfirmed } from './confirmed-publish.js';
import { assertExchange, assertWorkerQueue } from './topology.js';
import { waitForExchange } from './wait-for-exchange.js';

const REDELIVERY_DELAY_MS = 1000;

export class AmqpWorkerTransport implements WorkerTransport {
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private readonly names: BrokerNames;
  /** Sent as each message's user_id: RabbitMQ refuses it unless it is the connection's user, so the master can trust it. */
  private readonly user: string;
  private closing = false;

  constructor(
    url: string,
    private readonly logger: Logger,
    events: TransportEvents = {},
    namespace?: string,
  ) {
    this.names = brokerNames(namespace);
    this.user = amqpUser(url);
    this.connection = connectAmqp(url, 'loadtest-worker', logger, events);
    // Publishing waits for broker confirms; while the broker is away,
    // amqp-connection-manager keeps unconfirmed messages and sends them on reconnect.
    this.channel = this.connection.createChannel({
      name: 'worker',
      confirm: true,
      // Under guest (development) the worker declares the exchange, so it may start before the master.
      setup: (ch: ConfirmChannel) => (this.user === GUEST_USER ? assertExchange(ch, this.names) : waitForExchange(this.connection, this.names, logger)),
    });
    // Without a listener, a failed setup (emitted as 'error') would end the process.
    this.channel.on('error', (err: unknown) => logger.error({ err }, 'broker channel setup failed'));
  }

  async listen(workerId: string, handler: MessageHandler<MasterToWorker>): Promise<void> {
    await this.channel.addSetup((ch: ConfirmChannel) => assertWorkerQueue(ch, this.names, workerId, this.user === GUEST_USER));
    await this.channel.consume(this.names.workerQueue(workerId), (msg) => void this.onMessage(msg, handler), { noAck: false, prefetch: 16 });
    await this.channel.waitForConnect();
  }

  private async onMessage(msg: ConsumeMessage, handler: MessageHandler<MasterToWorker>): Promise<void> {
    const outcome = await deliver(msg.content, parseMasterToWorker, handler, this.logger, `amqp:${msg.fields.routingKey}`);
    if (outcome === 'failed') {
      setTimeout(() => this.channel.nack(msg, false, true), REDELIVERY_DELAY_MS).unref();
    } else {
      this.channel.ack(msg);
    }
  }

  async sendToMaster(message: WorkerToMaster): Promise<void> {
    // While the broker is away a heartbeat is dropped, not kept: it would only say, late, that the worker was
    // there, and a long outage would pile up one a second in memory. Everything else is kept and sent on reconnect.
    if (message.type === 'worker.heartbeat' && !this.connection.isConnected()) return;
    const options = {
      persistent: message.type !== 'worker.heartbeat',
      contentType: 'application/json',
      type: message.type,
      userId: this.user,
      ...(message.type === 'worker.heartbeat' ? { expiration: String(HEARTBEAT_EXPIRATION_MS) } : {}),
    };
    const publish = { exchange: this.names.exchange, routingKey: this.names.masterRoutingKey(message), content: Buffer.from(JSON.stringify(message)), options };
    // A heartbeat lost with the connection is not worth sending late either.
    if (message.type === 'worker.heartbeat') await this.channel.publish(publish.exchange, publish.routingKey, publish.content, options);
    else await publishConfirmed(this.channel, publish, this.logger, () => this.closing);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.channel.close();
    await this.connection.close();
  }
}
