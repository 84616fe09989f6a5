import { PROTOCOL_VERSION } from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { installErrorHandler } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { DEFAULT_SECURITY, registerSecurity, type SecurityOptions } from './http/security.js';
import { originAllowed } from './http/origin-check.js';
import { ActiveRunTotals } from './live/active-run-totals.js';
import { LiveAggregator } from './live/live-aggregator.js';
import type { CredentialMatch } from './live/live-credential.js';
import { RawStreamHub } from './live/raw-stream.js';
import { rawStreamRoutes } from './live/raw-stream-routes.js';
import { LiveSocketServer } from './live/socket-server.js';
import { routeUpgrades, upgradeListenersAddedBy } from './live/upgrade-routing.js';
import type { PrismaClient } from './persistence/prisma.js';
import { PlanRepository } from './plans/plan-repository.js';
import { planRoutes } from './plans/routes.js';
import { RunOrchestrator } from './runs/orchestrator.js';
import { RunRepository } from './runs/run-repository.js';
import { capsPerRole, DEFAULT_RUN_CAPS, type RunCaps } from './runs/run-caps.js';
import { runRoutes } from './runs/routes.js';
import { reportRoutes } from './reports/routes.js';
import { WorkerRegistry } from './workers/registry.js';
import { startMasterHeartbeat } from './workers/master-heartbeat.js';
import { workerRoutes } from './workers/routes.js';
import { importRoutes } from './imports/routes.js';
import { runIssues, targetSettingsFromEnv, type TargetSettings } from './targets/target-check.js';
import { TrialDispatcher } from './trials/trial-dispatcher.js';
import { trialRoutes } from './trials/routes.js';
import { dashboardDir } from './dashboard/dashboard-dir.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { AuditLog } from './audit/audit-record.js';
import { auditRoutes } from './audit/routes.js';
import { AuthStore } from './auth/auth-store.js';
import { authRoutes } from './auth/auth-routes.js';
import { registerAuthentication } from './auth/authentication.js';
import { bootstrapAdmin, type BootstrapOptions } from './auth/bootstrap.js';
import { principalOfHandshake } from './auth/handshake.js';
import { tokenRoutes } from './auth/token-routes.js';
import { userRoutes } from './auth/user-routes.js';
import { healthRoutes } from './http/health-routes.js';
import { MasterMetrics } from './metrics/master-metrics.js';
import { metricsRoutes } from './metrics/routes.js';
import { StoredAllowlist } from './targets/stored-allowlist.js';
import { allowlistRoutes } from './targets/routes.js';

export interface MasterTimings {
  workerMissingAfterMs: number;
  /** More than `workerMissingAfterMs`. */
  workerLostAfterMs: number;
  /** How often the worker states are compared, to tell the live clients of the changes. */
  workerSweepMs: number;
  runStartLeadMs: number;
  /** Extra start lead per assigned worker (the benchmark measured ~4 ms per worker to assign 1000 before noDelay). */
  runStartLeadPerWorkerMs: number;
  /** A live second goes out at the latest this long after its end (LIVE_DEADLINE_MS); a window arriving later revises it. */
  liveDeadlineMs: number;
  /** For a run whose start is not known (taken up after a restart): how long a live second waits after its first window. */
  liveGraceMs: number;
  windowGraceMs: number;
  overdueMs: number;
  /** How often the master tells the workers it is alive (a worker running a share stops after WORKER_MASTER_GRACE_MS without); see master-heartbeat.ts. */
  masterHeartbeatMs: number;
  /** How long past a trial's iteration limit the master waits for its answer before a 504 (trials/trial-dispatcher.ts). */
  trialAnswerSlackMs: number;
}

export const DEFAULT_TIMINGS: MasterTimings = {
  workerMissingAfterMs: 3000,
  workerLostAfterMs: 13_000,
  workerSweepMs: 500,
  // Delivery of the assignments and the workers' opening of their connections (warm start) on a busy machine.
  runStartLeadMs: 1500,
  runStartLeadPerWorkerMs: 2,
  liveDeadlineMs: 500,
  liveGraceMs: 1500,
  windowGraceMs: 10_000,
  overdueMs: 30_000,
  masterHeartbeatMs: 5000,
  trialAnswerSlackMs: 10_000,
};

export interface MasterDeps {
  prisma: PrismaClient;
  transport: MasterTransport;
  logger: Logger;
  timings?: Partial<MasterTimings>;
  /** CORS origins and the write rate limit; DEFAULT_SECURITY (no cross-origin access, 600 writes a minute) for what is not given. */
  security?: Partial<SecurityOptions>;
  /** The caps of one run's peak VUs, rate and duration; DEFAULT_RUN_CAPS for what is not given. */
  runCaps?: Partial<RunCaps>;
  /** An operator's caps; the general caps (runCaps) for what is not given. */
  operatorRunCaps?: Partial<RunCaps>;
  /** The built dashboard served at `/`; by default found with dashboardDir(), null for none. */
  dashboardDir?: string | null;
  /** The target allowlist (and resolver) plans and runs are checked against; by default from the environment (LOADTEST_TARGET_ALLOWLIST). */
  targets?: TargetSettings;
  /** The first admin's password and an environment admin token (LOADTEST_ADMIN_PASSWORD, LOADTEST_ADMIN_TOKEN); see bootstrap.ts. */
  bootstrap?: BootstrapOptions;
}

export interface Master {
  app: FastifyInstance;
  registry: WorkerRegistry;
  orchestrator: RunOrchestrator;
  /** Trials (`POST /trials`): each waits here for its worker's trial.result. */
  trials: TrialDispatcher;
  socket: LiveSocketServer;
  /** New at each start: a worker that sees it change says hello again. */
  masterId: string;
  /** Users, sessions and API tokens. */
  auth: AuthStore;
  /** The secret of a one-time login link made at this start (no admin can log in otherwise), to print as `/login#once=…`. */
  loginLinkSecret: string | null;
  /** Starts taking messages from the workers, and takes up the runs in progress (after a restart). */
  listenToWorkers(): Promise<void>;
  /** The broker connection is down: worker silence is not counted, heartbeats are not sent. */
  brokerDown(): void;
  brokerUp(): void;
}

/** Builds the master: REST API, live streams and run orchestration, over the given database and transport. */
export async function buildMaster(deps: MasterDeps): Promise<Master> {
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const targets = new StoredAllowlist(deps.prisma, deps.targets ?? targetSettingsFromEnv());
  await targets.load();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Requests are not logged one by one; errors are, by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  const security: SecurityOptions = { ...DEFAULT_SECURITY, ...deps.security };
  await registerSecurity(app, security);
  // CORS does not cover WebSockets: their handshakes check the Origin themselves.
  const allowedOrigins = new Set(security.corsOrigins);
  const websocketOriginAllowed = (headers: IncomingHttpHeaders) => originAllowed(headers, allowedOrigins);
  // Before authentication: its onRequest hook marks upgrade requests, so that one refused with a 401 has its socket closed.
  await app.register(websocket);
  const auth = new AuthStore(deps.prisma);
  // Before any route: each one under /api/v1 must declare its access (authentication.ts).
  await registerAuthentication(app, { store: auth });
  await registerOpenApi(app);

  const runCaps: RunCaps = { ...DEFAULT_RUN_CAPS, ...deps.runCaps };
  const plans = new PlanRepository(deps.prisma);
  const runs = new RunRepository(deps.prisma);
  const totals = new ActiveRunTotals(runs);
  const registry = new WorkerRegistry({ missingAfterMs: timings.workerMissingAfterMs, lostAfterMs: timings.workerLostAfterMs });
  let socket!: LiveSocketServer;
  const socketIoUpgrades = upgradeListenersAddedBy(app.server, () => {
    socket = new LiveSocketServer(app.server, {
      logger: deps.logger,
      runState: (runId) => runs.state(runId),
      // The handshake skips Fastify's hooks: the same origin and credential checks, by hand.
      admitRequest: async (request) => {
        if (!websocketOriginAllowed(request.headers)) return { refused: `origin ${request.headers.origin} may not open live updates (LOADTEST_CORS_ORIGINS)` };
        const principal = await principalOfHandshake(request.headers, auth, (header) => app.parseCookie(header));
        if (!principal) return { refused: 'authentication required: an API token (Authorization: Bearer <token>) or the dashboard session' };
        return { credential: { userId: principal.userId, credentialId: principal.credentialId, via: principal.via } };
      },
    });
  });
  const rawStreams = new RawStreamHub();
  /** A credential ended (logout, revocation, a disabled user, a new password): its live connections close too. */
  const credentialsEnded = (match: CredentialMatch) => {
    const closed = socket.disconnectWhere(match) + rawStreams.closeWhere(match);
    if (closed > 0) deps.logger.info({ closed }, 'live connections closed: their credentials ended');
  };
  app.addHook('onReady', async () => routeUpgrades(app.server, socketIoUpgrades));
  // The orchestrator acts on threshold outcomes (abortOnFail); it is created just below.
  let onThresholds: RunOrchestrator['onThresholds'] = () => undefined;
  const metrics = new MasterMetrics({
    workerStates: () => registry.list().map((w) => w.state),
    runsByState: async () =>
      Object.fromEntries((await deps.prisma.run.groupBy({ by: ['state'], _count: { _all: true } })).map((g) => [g.state, g._count._all])),
    liveClients: () => socket.io.engine.clientsCount,
  });
  metrics.observeRequests(app);
  const live = new LiveAggregator({
    emit: (event) => {
      socket.emitWindow(event);
      rawStreams.send(event.runId, { event: 'run:window', ...event });
    },
    onThresholds: (runId, second, outcomes) => onThresholds(runId, second, outcomes),
    deadlineMs: timings.liveDeadlineMs,
    graceMs: timings.liveGraceMs,
    onSent: (lagMs) => metrics.liveLag.observe(Math.max(0, lagMs) / 1000),
  });
  const orchestrator = new RunOrchestrator({
    runs,
    plans,
    registry,
    transport: deps.transport,
    live,
    events: {
      stateChanged: (runId, state, reason) => {
        const event = socket.emitState(runId, state, reason);
        rawStreams.send(runId, { event: 'run:state', ...event });
      },
    },
    logger: deps.logger,
    startLeadMs: timings.runStartLeadMs,
    startLeadPerWorkerMs: timings.runStartLeadPerWorkerMs,
    capsFor: capsPerRole(runCaps, { ...runCaps, setting: 'LOADTEST_OPERATOR_MAX_RUN', ...deps.operatorRunCaps }),
    windowGraceMs: timings.windowGraceMs,
    overdueMs: timings.overdueMs,
    checkTargets: (plan) => runIssues(plan, targets),
  });
  onThresholds = (runId, second, outcomes) => orchestrator.onThresholds(runId, second, outcomes);
  const trials = new TrialDispatcher({ registry, transport: deps.transport, logger: deps.logger, answerSlackMs: timings.trialAnswerSlackMs });
  const liveTimer = setInterval(() => live.tick(), 250);
  liveTimer.unref();
  // One sweep for all workers: each state change goes to every live client.
  const workerSweep = setInterval(() => {
    for (const change of registry.sweep()) {
      const level = change.state === 'missing' || change.state === 'lost' ? 'warn' : 'info';
      deps.logger[level](
        { workerId: change.workerId, state: change.state, previousState: change.previousState, lastSeenAt: new Date(change.lastSeenAt) },
        'worker state changed',
      );
      socket.emitWorkerState(change);
      if (change.state === 'lost')
        void orchestrator
          .onWorkerLost(change.workerId)
          .catch((error: unknown) => deps.logger.error({ err: error, workerId: change.workerId }, 'cannot apply the worker-loss policy'));
    }
  }, timings.workerSweepMs);
  workerSweep.unref();
  const masterId = randomUUID();
  let brokerReachable = true;
  // Every worker hears from the master (one broadcast for all); one running a share stops if it no longer does.
  const masterHeartbeat = startMasterHeartbeat({
    intervalMs: timings.masterHeartbeatMs,
    canSend: () => brokerReachable,
    send: () =>
      void deps.transport
        .broadcast({ v: PROTOCOL_VERSION, type: 'master.heartbeat', sentAt: Date.now(), masterId })
        .catch((error: unknown) => deps.logger.debug({ err: error }, 'master heartbeat not sent')),
  });

  await app.register(
    async (api) => {
      await api.register(planRoutes, { plans, runs, orchestrator, totals, targets });
      await api.register(runRoutes, { runs, orchestrator, totals, audit: new AuditLog(deps.prisma) });
      await api.register(reportRoutes, { runs, totals, liveOutcomes: (id) => orchestrator.liveThresholdOutcomes(id) });
      await api.register(workerRoutes, { registry });
      await api.register(importRoutes, { plans, targets });
      await api.register(rawStreamRoutes, { runs, hub: rawStreams, originAllowed: websocketOriginAllowed });
      await api.register(trialRoutes, { trials, targets });
      await api.register(authRoutes, { store: auth, loginRateLimitPerMinute: security.loginRateLimitPerMinute, credentialsEnded });
      await api.register(userRoutes, { store: auth, credentialsEnded });
      await api.register(tokenRoutes, { store: auth, credentialsEnded });
      await api.register(auditRoutes, { prisma: deps.prisma });
      await api.register(allowlistRoutes, { allowlist: targets });
    },
    { prefix: '/api/v1' },
  );
  await app.register(dashboardRoutes, { dir: deps.dashboardDir === undefined ? dashboardDir() : deps.dashboardDir, logger: deps.logger });
  await app.register(healthRoutes, { prisma: deps.prisma, brokerReachable: () => brokerReachable });
  await app.register(metricsRoutes, { metrics });
  const { loginLinkSecret } = await bootstrapAdmin(auth, deps.bootstrap ?? {}, deps.logger);

  app.addHook('preClose', async () => {
    clearInterval(liveTimer);
    clearInterval(workerSweep);
    masterHeartbeat.stop();
    orchestrator.close();
    trials.close();
    socket.close();
    rawStreams.closeAll();
  });

  return {
    app,
    registry,
    orchestrator,
    trials,
    socket,
    masterId,
    auth,
    loginLinkSecret,
    listenToWorkers: async () => {
      // A trial's answer goes to the trial waiting for it; everything else is about runs and workers.
      await deps.transport.listen(async (message) => {
        if (message.type === 'run.window') metrics.windowsIngested.inc();
        return message.type === 'trial.result' ? trials.onResult(message) : orchestrator.handle(message);
      });
      const taken = await orchestrator.recoverActiveRuns();
      if (taken.length > 0) deps.logger.info({ runs: taken }, 'runs in progress taken up');
    },
    brokerDown: () => {
      brokerReachable = false;
      registry.deaf();
    },
    brokerUp: () => {
      if (!brokerReachable) metrics.brokerReconnects.inc();
      brokerReachable = true;
      registry.hearing();
    },
  };
}
