import { deniedEndpoints, targetPolicyFromEnv } from '@loadtest/targets';
import { createMasterTransport, type MasterTransport, type TransportEvents } from '@loadtest/transport';
import { handleShutdownSignals, loadSecretFiles, type ShutdownStep } from '@loadtest/process';
import pino from 'pino';
import { buildMaster, type Master } from './app.js';
import { LOGIN_LINK_TTL_MS } from './auth/bootstrap.js';
import { loadConfig } from './config.js';
import { startLocalWorkers, type LocalWorkers } from './local-workers.js';
import { openDatabase, type Database } from './persistence/database.js';

/** `npm start` (tools/start/start.mjs) passes the instant the command began; its own start-up is counted from there. */
const startedAt = Number(process.env.LOADTEST_START_BEGAN_MS) || performance.timeOrigin;
const sinceStart = () => Math.round(performance.timeOrigin + performance.now() - startedAt);
/** How long the local workers may take to come online before the master listens without them. */
const LOCAL_WORKERS_ONLINE_MS = 60_000;

/** A bad setting is reported by main() as 'master failed to start'; the logger needs a level before that. */
function logLevel(): string {
  try {
    return loadConfig(process.env).logLevel;
  } catch {
    return 'info';
  }
}
const logger = pino({ name: 'master', level: logLevel() });

/** What start-up has opened so far: what a failed start-up has to close. */
interface Opened {
  database?: Database;
  transport?: MasterTransport;
  localWorkers?: LocalWorkers;
  master?: Master;
}
const opened: Opened = {};

/**
 * Installed before anything starts, so that a signal during start-up closes what it opened (PostgreSQL
 * included) once start-up ends, without ever listening. After start-up, the first SIGTERM/SIGINT drains
 * (see {@link closeSteps}), a second one ends the wait for the runs in progress, a third exits at once (the
 * embedded PostgreSQL's watchdog stops it). A signal repeated within a second is the same one delivered
 * twice: one sent to the process group of `npm start` reaches the master, and npm relays it too.
 */
const shutdown = handleShutdownSignals({ name: 'master', logger, laterSignals: 'hurry', repeatedWithinMs: 1000 });

/** Closes what start-up opened, in reverse order: the embedded PostgreSQL last. */
async function closeOpened(): Promise<void> {
  await opened.master?.app.close();
  await opened.localWorkers?.stop();
  await opened.transport?.close();
  await opened.database?.close();
}

async function main(): Promise<void> {
  // DATABASE_URL_FILE and the like (mounted secrets) become their settings before anything reads them.
  loadSecretFiles(process.env);
  const config = loadConfig(process.env);
  // A bad entry fails start-up, naming it, before anything opens.
  targetPolicyFromEnv(process.env);
  const brokerEvents: TransportEvents = {};
  // Nothing connects yet: RabbitMQ is reached when the master listens.
  const {
    transport,
    hub,
    description: transportDescription,
  } = createMasterTransport({ amqpUrl: config.amqpUrl, namespace: config.amqpNamespace }, logger.child({ component: 'transport' }), brokerEvents);
  opened.transport = transport;
  // The local worker threads load while PostgreSQL starts: their hello waits in the in-process transport until
  // the master listens.
  if (hub && config.localWorkers > 0) {
    opened.localWorkers = startLocalWorkers(hub, config.localWorkers, logger.child({ component: 'local-workers' }), { threads: config.localWorkerThreads });
  }
  const database: Database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort },
    logger.child({ component: 'database' }),
  );
  opened.database = database;
  const databaseMs = sinceStart();
  // The target allowlist (LOADTEST_TARGET_ALLOWLIST, or the mode's default); an embedded PostgreSQL's own port is denied too.
  const targets = targetPolicyFromEnv(process.env, database.embedded ? deniedEndpoints(database.url, 'database') : []);
  logger.info(
    { source: targets.source, entries: targets.entries, denied: targets.allowlist.denied.map((d) => `${d.what} ${d.host}:${d.port}`) },
    'target allowlist',
  );
  const master = await buildMaster({
    prisma: database.prisma,
    targets: { allowlist: targets.allowlist },
    transport,
    logger,
    timings: {
      workerMissingAfterMs: config.workerMissingAfterMs,
      workerLostAfterMs: config.workerLostAfterMs,
      runStartLeadMs: config.runStartLeadMs,
      liveDeadlineMs: config.liveDeadlineMs,
      masterHeartbeatMs: config.masterHeartbeatMs,
    },
    security: {
      corsOrigins: config.corsOrigins,
      writeRateLimitPerMinute: config.writeRateLimitPerMinute,
      loginRateLimitPerMinute: config.loginRateLimitPerMinute,
    },
    runCaps: config.runCaps,
    operatorRunCaps: config.operatorRunCaps,
    bootstrap: { adminPassword: config.adminPassword, adminToken: config.adminToken },
  });
  opened.master = master;
  brokerEvents.onDisconnected = () => master.brokerDown();
  brokerEvents.onConnected = () => master.brokerUp();
  await master.listenToWorkers();
  const { localWorkers } = opened;
  if (localWorkers) {
    // Ready means usable: the first answer of the port already lists the local workers.
    const isUp = (id: string) => master.registry.list().some((w) => w.id === id && (w.state === 'online' || w.state === 'busy'));
    await localWorkers.whenOnline(isUp, LOCAL_WORKERS_ONLINE_MS).catch((error: unknown) => logger.warn({ err: error }, 'listening without the local workers'));
  }
  const workersMs = sinceStart();
  if (shutdown.signalled) {
    // Stopped while starting: never listen.
    shutdown.arm(closeSteps(config.shutdownGraceMs, master, transport, database, localWorkers));
    return;
  }
  await master.app.listen({ host: config.host, port: config.port });
  const address = master.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host}:${port}`,
      database: database.embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL',
      transport: transportDescription,
      localWorkers: config.localWorkers,
      ...(config.localWorkers > 0 ? { localWorkerThreads: config.localWorkerThreads } : {}),
      startupMs: sinceStart(),
      // From the command (or the process start): database up and migrated, local workers online.
      phasesMs: { database: databaseMs, workersOnline: workersMs },
    },
    'master ready',
  );
  if (master.loginLinkSecret !== null) {
    // The one line a newcomer needs: the secret is after `#`, which browsers do not send to servers or proxies' logs.
    const publicUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    const loginUrl = `${publicUrl.replace(/\/$/, '')}/login#once=${master.loginLinkSecret}`;
    logger.info({ loginUrl, validForHours: LOGIN_LINK_TTL_MS / 3600_000 }, `log in as admin (once) at ${loginUrl}`);
  }
  shutdown.arm(closeSteps(config.shutdownGraceMs, master, transport, database, localWorkers));
}

/**
 * No new run is accepted; the runs in progress get up to MASTER_SHUTDOWN_GRACE_MS
 * to finish (a second signal ends the wait). Those still running then are left
 * in the database, with their workers going on: the next master takes them up.
 * Then the HTTP server, the local workers, the transport, Prisma and last the
 * embedded PostgreSQL close, and the process exits 0.
 */
function closeSteps(graceMs: number, master: Master, transport: MasterTransport, database: Database, localWorkers: LocalWorkers | undefined): ShutdownStep[] {
  const activeRuns = () =>
    master.orchestrator.activeRunIds().catch((error: unknown) => {
      logger.warn({ err: error }, 'shutdown: cannot read the runs in progress; closing without waiting');
      return [];
    });
  const runsInProgress: ShutdownStep = {
    name: 'runs in progress',
    run: async ({ signal, hurry }) => {
      master.orchestrator.drain();
      let active = await activeRuns();
      if (active.length > 0)
        logger.info({ signal, activeRuns: active, graceMs }, 'shutting down: waiting for the runs in progress (signal again to close now)');
      const deadline = Date.now() + graceMs;
      while (active.length > 0 && Date.now() < deadline && !hurry.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        active = await activeRuns();
      }
      if (active.length > 0) logger.warn({ runs: active }, 'closing with runs in progress: the next master takes them up');
    },
  };
  return [
    runsInProgress,
    { name: 'HTTP server and live streams', run: () => master.app.close() },
    { name: 'local workers', run: () => localWorkers?.stop() },
    { name: 'transport', run: () => transport.close() },
    { name: 'database', run: () => database.close() },
  ];
}

main().catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'master failed to start');
  await closeOpened().catch((closeError: unknown) => logger.error({ err: closeError }, 'closing after a failed start failed'));
  process.exit(1);
});
