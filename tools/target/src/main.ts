import pino from 'pino';
import { startTarget } from './target-server.js';

/** `npm start -w @loadtest/target -- --port 3000` (or TARGET_PORT); port 0 picks a free one. */
const logger = pino({ name: 'target' });
const flag = process.argv.indexOf('--port');
const port = Number(flag >= 0 ? process.argv[flag + 1] : (process.env.TARGET_PORT ?? 3000));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.fatal({ port }, 'port must be a whole number from 0 to 65535');
  process.exit(2);
}
const target = await startTarget({ port });
logger.info({ url: target.url, port: target.port }, 'target listening');
const shutdown = () => void target.close().then(() => process.exit(0));
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
