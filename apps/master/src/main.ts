import { AmqpMasterTransport, InProcessHub, redactUrl, type MasterTransport, type TransportEvents } from '@loadtest/transport';
import pino from 'pino';
import { buildMaster } from './app.js';
import { loadConfig } from './config.js';
import { startLocalWorkers, type LocalWorkers } from './local-workers.js';
import { openDatabase, type Database } from './persistence/database.js';

const startedAt = performance.now();
/** A signal repeated within this long is the same one delivered twice, not a second request. */
const REPEATED_SIGNAL_MS = 1000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ name: 'master', level: config.logLevel });
  const database: Database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort },
    logger.child({ component: 'database' }),
  );
  const hub = config.amqpUrl ? undefined : new InProcessHub(logger.child({ component: 'transport' }));
  const brokerEvents: TransportEvents = {};
  const transport: MasterTransport = hub ?? new AmqpMasterTransport(config.amqpUrl!, logger.child({ component: 'transport' }), brokerEvents, config.amqpNamespace);
  const master = await buildMaster({
    prisma: database.prisma,
    transport,
    logger,
    timings: { workerMissingAfterMs: config.workerMissingAfterMs, workerLostAfterMs: config.workerLostAfterMs, runStartLeadMs: config.runStartLeadMs, masterHeartbeatMs: config.masterHeartbeatMs },
  });
  brokerEvents.onDisconnected = () => master.brokerDown();
  brokerEvents.onConnected = () => master.brokerUp();
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
  let closingSince = 0;
  let closeNow: (() => void) | undefined;
  /**
   * No new run is accepted; the runs in progress get up to MASTER_SHUTDOWN_GRACE_MS
   * to finish. Those still running then are left in the database, with their
   * workers going on: the next master takes them up. A second signal closes at
   * once — one a second or more after the first: a signal sent to the process
   * group under `npm start` arrives twice (once more relayed by npm).
   */
  const shutdown = (signal: string) => {
    if (closing) {
      if (Date.now() - closingSince >= REPEATED_SIGNAL_MS) closeNow?.();
      return;
    }
    closing = true;
    closingSince = Date.now();
    master.orchestrator.drain();
    // The database may be going down with the same signal (an embedded PostgreSQL shares the process group):
    // then there is nothing to wait for that could still be stored.
    const activeRuns = () =>
      master.orchestrator.activeRunIds().catch((error: unknown) => {
        logger.warn({ err: error }, 'shutdown: cannot read the runs in progress; closing without waiting');
        return [];
      });
    const done = async () => {
      let active = await activeRuns();
      logger.info({ signal, activeRuns: active, graceMs: config.shutdownGraceMs }, active.length > 0 ? 'shutting down: waiting for the runs in progress (signal again to close now)' : 'shutting down');
      const deadline = Date.now() + config.shutdownGraceMs;
      let interrupted = false;
      closeNow = () => (interrupted = true);
      while (active.length > 0 && Date.now() < deadline && !interrupted) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        active = await activeRuns();
      }
      if (active.length > 0) logger.warn({ runs: active }, 'closing with runs in progress: the next master takes them up');
      await master.app.close();
      await localWorkers?.stop();
      await transport.close();
      await database.close();
      logger.info('master closed');
    };
    done()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  pino({ name: 'master' }).fatal({ err: error }, 'master failed to start');
  process.exit(1);
});
