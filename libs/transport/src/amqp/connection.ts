import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import type { Logger } from 'pino';
import type { TransportEvents } from '../transport.js';

/** Redacts the password of an AMQP URL, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid AMQP URL>';
  }
}

/** The user an AMQP URL connects as; amqplib's default without one is guest. */
export function amqpUser(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'guest';
  } catch {
    return 'guest';
  }
}

/** A connection that reconnects by itself and logs each change of state. */
export function connectAmqp(url: string, name: string, logger: Logger, events: TransportEvents): AmqpConnectionManager {
  const connection = connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 1,
    // Without noDelay, Nagle's algorithm holds back small frames: the master's
    // queue declarations and assignments to 1000 workers took several seconds.
    connectionOptions: { noDelay: true, clientProperties: { connection_name: name } },
  });
  const where = redactUrl(url);
  connection.on('connect', () => {
    logger.info({ broker: where }, 'connected to broker');
    events.onConnected?.();
  });
  connection.on('disconnect', ({ err }) => {
    logger.warn({ broker: where, err }, 'disconnected from broker; reconnecting');
    events.onDisconnected?.();
  });
  connection.on('connectFailed', ({ err }) => logger.warn({ broker: where, err }, 'cannot connect to broker; retrying'));
  return connection;
}
