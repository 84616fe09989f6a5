import { parseWorkerToMaster, type MasterHeartbeat, type MasterToOneWorker, type RunAssignAll, type WorkerToMaster } from '@loadtest/protocol';
import { brokerNames, type BrokerNames } from './broker-names.js';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { deliver } from '../deliver.js';
import { AckCoalescer } from './ack-coalescer.js';
import { UndeliveredAssignment, type MasterTransport, type MessageHandler, type TransportEvents } from '../transport.js';
import { amqpUser, connectAmqp } from './connection.js';
import { publishConfirmed } from './confirmed-publish.js';
import { senderMismatch } from './sender-check.js';
import { assertMasterQueue, assertWorkerQueue } from './topology.js';

/** How many unacknowledged messages the master takes at once. */
const MASTER_PREFETCH = 256;
/** Pause before a message whose handler failed is delivered again. */
const REDELIVERY_DELAY_MS = 1000;
/** The master heartbeats every second; one older than this says nothing more. */
const MASTER_HEARTBEAT_EXPIRATION_MS = 5000;

export class AmqpMasterTransport implements MasterTransport {
  private connection: AmqpConnectionManager | undefined;
  private channel: ChannelWrapper | undefined;
  private acks: AckCoalescer<ConsumeMessage> | undefined;
  private readonly declaredWorkerQueues = new Set<string>();
  private readonly names: BrokerNames;
  private readonly user: string;
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly events: TransportEvents = {},
    namespace?: string,
  ) {
    this.names = brokerNames(namespace);
    this.user = amqpUser(url);
  }

  async listen(handler: MessageHandler<WorkerToMaster>): Promise<void> {
    this.connection = connectAmqp(this.url, 'loadtest-master', this.logger, this.events);
    const channel = this.connection.createChannel({
      name: 'master',
      confirm: true,
      setup: async (ch: ConfirmChannel) => {
        await assertMasterQueue(ch, this.names);
      },
    });
    this.channel = channel;
    // Without a listener, a failed setup (emitted as 'error': say, a broker user without rights on the master's queue) would end the process.
    channel.on('error', (err: unknown) => this.logger.error({ err }, 'broker channel setup failed'));
    const acks = new AckCoalescer<ConsumeMessage>(channel, REDELIVERY_DELAY_MS);
    this.acks = acks;
    await channel.consume(this.names.masterQueue, (msg) => void this.onMessage(acks, msg, handler), {
      noAck: false,
      prefetch: MASTER_PREFETCH,
    });
    await channel.waitForConnect();
  }

  private async onMessage(acks: AckCoalescer<ConsumeMessage>, msg: ConsumeMessage, handler: MessageHandler<WorkerToMaster>): Promise<void> {
    const delivery = acks.received(msg);
    const userId: unknown = msg.properties.userId;
    const sender = typeof userId === 'string' ? userId : undefined;
    const checked: MessageHandler<WorkerToMaster> = async (message) => {
      const mismatch = senderMismatch(this.user, sender, message);
      if (mismatch === null) return handler(message);
      // Acknowledged and dropped: redelivering it would not change who sent it.
      this.logger.warn(
        { userId: sender, workerId: message.workerId, type: message.type, reason: mismatch },
        'refused worker message: sender is not the worker it names',
      );
    };
    const outcome = await deliver(msg.content, parseWorkerToMaster, checked, this.logger, `amqp:${msg.fields.routingKey}`);
    if (outcome === 'failed') acks.failed(delivery);
    else acks.handled(delivery);
  }

  async sendToWorker(message: MasterToOneWorker): Promise<void> {
    const channel = this.requireChannel();
    // Declare the worker's queue too, so that an assignment can never be unroutable.
    if (!this.declaredWorkerQueues.has(message.workerId)) {
      await channel.addSetup((ch: ConfirmChannel) => assertWorkerQueue(ch, this.names, message.workerId));
      this.declaredWorkerQueues.add(message.workerId);
    }
    const publish = {
      exchange: this.names.exchange,
      routingKey: this.names.workerRoutingKey(message.workerId, message),
      content: Buffer.from(JSON.stringify(message)),
      options: { persistent: true, contentType: 'application/json', type: message.type },
    };
    await publishConfirmed(channel, publish, this.logger, () => this.closing);
  }

  async broadcast(message: MasterHeartbeat): Promise<void> {
    // While the broker is away a heartbeat is dropped, not kept for later: a late one would tell the workers
    // nothing true, and a long outage would pile them up in memory.
    if (!this.connection?.isConnected()) return;
    await this.requireChannel().publish(this.names.exchange, this.names.broadcastRoutingKey(message), Buffer.from(JSON.stringify(message)), {
      persistent: false,
      contentType: 'application/json',
      type: message.type,
      // A heartbeat is worthless once stale: the queue of a worker that is away must not fill up with them.
      expiration: String(MASTER_HEARTBEAT_EXPIRATION_MS),
    });
  }

  async assignAll(message: RunAssignAll): Promise<void> {
    const channel = this.requireChannel();
    try {
      // Persistent and confirmed, as an assignment to one worker; `messageId` lets a reader that receives several
      // copies (a process simulating many workers) skip the ones it has seen without parsing them.
      const publish = {
        exchange: this.names.exchange,
        routingKey: this.names.broadcastRoutingKey(message),
        content: Buffer.from(JSON.stringify(message)),
        options: { persistent: true, contentType: 'application/json', type: message.type, messageId: message.runId },
      };
      await publishConfirmed(channel, publish, this.logger, () => this.closing);
    } catch (error) {
      throw new UndeliveredAssignment(
        message.shares.map((s) => s.workerId),
        (error as Error).message,
      );
    }
  }

  /** For tests and tools: publish raw bytes as if a worker had sent them. */
  async publishRaw(routingKey: WorkerToMaster['type'], content: Buffer): Promise<void> {
    await this.requireChannel().publish(this.names.exchange, this.names.masterRoutingKey(routingKey), content, { persistent: true });
  }

  async close(): Promise<void> {
    this.closing = true;
    // What is handled is acknowledged before the channel goes, or the broker would deliver it again.
    this.acks?.flushNow();
    await this.channel?.close();
    await this.connection?.close();
  }

  private requireChannel(): ChannelWrapper {
    if (!this.channel) throw new Error('AMQP master transport used before listen()');
    return this.channel;
  }
}
