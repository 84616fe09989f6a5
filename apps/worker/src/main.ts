import { handleShutdownSignals, loadSecretFiles } from '@loadtest/process';
import { startWorkerHttp } from './observability/http-server.js';
import { workerHttpSettings, type WorkerHttpSettings } from './observability/http-settings.js';
import { WorkerMetrics } from './observability/worker-metrics.js';
import { createWorkerTransport, type TransportEvents, type WorkerTransport } from '@loadtest/transport';
import { targetPolicyFromEnv } from '@loadtest/targets';
import { parseArgs } from 'node:util';
import { workerIdentity, workerThreads } from './identity.js';
import { createLogger } from '@loadtest/engine';
import { workerTolerance, type WorkerTolerance } from './tolerance.js';
import { WorkerAgent } from './worker-agent.js';

/**
 * A worker process for the distributed mode: it reaches the master through RabbitMQ.
 * `--threads N` (or WORKER_THREADS): the engine threads it generates load on; every core by default.
 * On SIGTERM it ends its share (publishing the partial window, reporting `left`) and leaves.
 */
/** On SIGTERM, how long the share's last windows and state may take to be confirmed before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const logger = createLogger('worker');
  let threads: number;
  let tolerance: WorkerTolerance;
  let http: WorkerHttpSettings;
  try {
    // AMQP_URL_FILE and the like (mounted secrets) first: the broker's address is also denied as a target below.
    loadSecretFiles(process.env);
    const { values } = parseArgs({ options: { threads: { type: 'string' } }, strict: true, allowPositionals: false });
    threads = workerThreads(values.threads, process.env);
    http = workerHttpSettings(process.env);
    tolerance = workerTolerance(process.env);
    // The worker checks its targets itself (it does not trust the master's check): a bad entry fails start-up.
    const targets = targetPolicyFromEnv(process.env);
    logger.info({ source: targets.source, entries: targets.entries }, 'target allowlist');
  } catch (error) {
    logger.fatal(`${(error as Error).message} (usage: worker [--threads N])`);
    process.exit(2);
  }
  const identity = workerIdentity(process.env, { threads });
  const events: TransportEvents = {};
  let transport: WorkerTransport;
  try {
    transport = createWorkerTransport(
      { amqpUrl: process.env.AMQP_URL, namespace: process.env.AMQP_NAMESPACE || undefined },
      logger.child({ workerId: identity.workerId }),
      events,
    );
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(2);
  }
  let metrics: WorkerMetrics | undefined;
  const agent = new WorkerAgent(identity, transport, logger.child({ workerId: identity.workerId }), {
    threads,
    tolerance,
    onWindowPublished: (window) => metrics?.windowPublished(window),
  });
  let brokerConnected = false;
  events.onConnected = () => {
    brokerConnected = true;
    agent.sayHello();
  };
  events.onDisconnected = () => (brokerConnected = false);
  // Probes and metrics (WORKER_HTTP_PORT): none unless asked for, a worker on a laptop opens no port.
  if (http.port !== undefined) {
    metrics = new WorkerMetrics({ unconfirmedWindows: () => agent.windowsUnconfirmed, activeShares: () => agent.activeShares });
    const server = await startWorkerHttp({ host: http.host, port: http.port, metrics, ready: () => brokerConnected });
    logger.info({ host: http.host, port: server.port }, 'worker probes and metrics listening');
  }
  // The transport's connect event says hello, now and after every reconnection.
  await agent.start();
  // Later signals are ignored (a signal to the process group under npm arrives twice): the share's last windows
  // are published first, within SHUTDOWN_GRACE_MS; with the broker away they cannot be confirmed, and the
  // process does not hang on them forever.
  const shutdown = handleShutdownSignals({ name: 'worker', logger, laterSignals: 'ignore', limitMs: SHUTDOWN_GRACE_MS });
  shutdown.arm([{ name: 'the share (its last windows confirmed)', run: ({ signal }) => agent.stop(`the worker shut down (${signal})`) }]);
}

main().catch((error: unknown) => {
  createLogger('worker').fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
