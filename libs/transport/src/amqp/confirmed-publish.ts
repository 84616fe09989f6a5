import type { ChannelWrapper, Options } from 'amqp-connection-manager';
import type { Logger } from 'pino';

/**
 * How amqplib fails the confirms still in flight when the connection drops under them. amqp-connection-manager
 * queues such a message again only if it has already seen the disconnect, and amqplib tells the channel first:
 * which one comes first is a race, so a message published just before a broker stop could be lost to the caller.
 */
const LOST_WITH_THE_CHANNEL = 'channel closed';
/** Each attempt waits for a reconnect; this many drops in a row under the same message is not an outage but a fault. */
const MAX_ATTEMPTS = 20;

export interface ConfirmedPublish {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes and waits for the broker's confirm; a message whose confirm was lost with the connection is published
 * again once reconnected. The broker may then hold it twice: every reader takes a message once by its identity
 * (a window by run, share and seq; an assignment by run and part).
 */
export async function publishConfirmed(channel: ChannelWrapper, message: ConfirmedPublish, logger: Logger, isClosing: () => boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await channel.publish(message.exchange, message.routingKey, message.content, message.options);
      return;
    } catch (error) {
      if (isClosing() || attempt >= MAX_ATTEMPTS || (error as Error).message !== LOST_WITH_THE_CHANNEL) throw error;
      logger.warn({ err: error, routingKey: message.routingKey, type: message.options.type, attempt }, 'confirm lost with the connection; publishing again');
    }
  }
}
