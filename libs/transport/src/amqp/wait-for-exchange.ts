import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Logger } from 'pino';
import type { BrokerNames } from './broker-names.js';

const RETRY_MS = 1000;
/** Warn at the first miss, then about every half minute: a worker waiting for its master is normal for a while. */
const WARN_EVERY = 30;

/**
 * Waits until the exchange exists, for a worker that may not declare it (its own credentials). The check runs on a
 * throwaway channel: a missing exchange closes the channel it was asked on, and amqp-connection-manager would not
 * reopen the worker's channel before the next reconnect. Returns when the connection is gone: the setup runs again.
 */
export async function waitForExchange(connection: AmqpConnectionManager, names: BrokerNames, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const model = connection.connection;
    if (!model) return;
    const probe = await model.createChannel();
    // The 404 is expected until the master (or the definitions) created the exchange; it closes only the probe.
    probe.on('error', () => undefined);
    try {
      await probe.checkExchange(names.exchange);
      await probe.close();
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 404) throw error;
      if (attempt % WARN_EVERY === 0)
        logger.warn({ exchange: names.exchange }, 'broker exchange does not exist yet: waiting for the master (or the definitions) to create it');
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
