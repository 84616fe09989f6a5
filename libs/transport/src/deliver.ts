import type { ParseResult } from '@loadtest/protocol';
import type { Logger } from 'pino';
import type { MessageHandler } from './transport.js';

export type DeliveryOutcome = 'handled' | 'rejected' | 'failed';

/**
 * Parses a received message and hands it to the handler. A message that fails
 * its schema is logged with the reason and dropped ('rejected'); a handler
 * error is logged and reported as 'failed' so the caller can redeliver it.
 * Never throws: a bad message must not take the process down.
 */
export async function deliver<T>(
  raw: unknown,
  parse: (raw: unknown) => ParseResult<T>,
  handler: MessageHandler<T>,
  logger: Logger,
  source: string,
): Promise<DeliveryOutcome> {
  const parsed = parse(raw);
  if (!parsed.ok) {
    logger.warn({ source, reason: parsed.reason }, 'rejected invalid message');
    return 'rejected';
  }
  try {
    await handler(parsed.value);
    return 'handled';
  } catch (error) {
    logger.error({ source, err: error, type: (parsed.value as { type?: string }).type }, 'message handler failed; will redeliver');
    return 'failed';
  }
}
