import { AmqpMasterTransport, InProcessHub, redactUrl, type MasterTransport } from '@loadtest/transport';
import pino from 'pino';
import { buildMaster } from './app.js';
import { loadConfig } from './config.js';
import { startLocalWorkers, type LocalWorkers } from './local-workers.js';
import { openDatabase, type Database } from './persistence/database.js';

const startedAt = performance.now();

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ name: 'master', level: config.logLevel });
  const database: Database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort },
    logger.child({ component: 'database' }),
  );
  const hub = config.amqpUrl ? undefined : new InProcessHub(logger.child({ component: 'transport' }));
  const transport: MasterTransport = hub ?? new AmqpMasterTransport(config.amqpUrl!, logger.child({ component: 'transport' }), {}, config.amqpNamespace);
  const master = await buildMaster({
    prisma: database.prisma,
    transport,
    logger,
    timings: { workerMissingAfterMs: config.workerMissingAfterMs, workerLostAfterMs: config.workerLostAfterMs, runStartLeadMs: config.runStartLeadMs },
  });
  await master.listenToWorkers();
  let localWorkers: LocalWorkers | undefined;
  if (hub && config.localWorkers > 0) {
    localWorkers = startLocalWorkers(hub, config.localWorkers, logger.child({ component: 'local-workers' }), { threads: config.localWorkerThreads });
  }
  await master.app.listen({ host: config.host, port: config.port });
  const address = master.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host}:${port}`,
      database: database.embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL',
      transport: config.amqpUrl ? `amqp ${redactUrl(config.amqpUrl)}` : 'in-process',
      localWorkers: config.localWorkers,
      ...(config.localWorkers > 0 ? { localWorkerThreads: config.localWorkerThreads } : {}),
      startupMs: Math.round(performance.now() - startedAt),
    },
    'master ready',
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const done = async () => {
      await master.app.close();
      await localWorkers?.stop();
      await transport.close();
      await database.close();
    };
    done()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  pino({ name: 'master' }).fatal({ err: error }, 'master failed to start');
  process.exit(1);
});
