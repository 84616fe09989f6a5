import { describeIssues } from '@loadtest/protocol';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A variable set to the empty string counts as unset (`VAR= npm start`). */
const emptyIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const EnvSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(8080),
    /** PostgreSQL to use; when unset, an embedded PostgreSQL is started under LOADTEST_DATA_DIR. */
    DATABASE_URL: optionalUrl,
    /** RabbitMQ to reach the workers through; when unset, the in-process transport and a local worker are used. */
    AMQP_URL: optionalUrl,
    /** Prefix of every exchange and queue name, so that installations (or tests) can share a broker. */
    AMQP_NAMESPACE: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'may hold only letters, digits, _ and -')
      .default('loadtest'),
    LOADTEST_DATA_DIR: z.string().default('.data'),
    /** Port of the embedded PostgreSQL; 0 picks a free one. */
    LOADTEST_EMBEDDED_PG_PORT: port.default(0),
    /** Local worker threads to start with the in-process transport. */
    LOCAL_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
    /** Engine threads each local worker generates load on (one load engine per thread); every core by default. */
    LOCAL_WORKER_THREADS: z.coerce.number().int().min(1).max(1024).default(availableParallelism()),
    /** A worker not heard from for this long is `missing` (3 heartbeats). */
    WORKER_MISSING_AFTER_MS: z.coerce.number().int().min(100).default(3000),
    /** A worker not heard from for this long is `lost` (10 heartbeats more); must be more than WORKER_MISSING_AFTER_MS. */
    WORKER_LOST_AFTER_MS: z.coerce.number().int().min(100).default(13_000),
    /** Time from assignment to the common start instant of a run: the workers receive their shares and open their connections meanwhile. */
    RUN_START_LEAD_MS: z.coerce.number().int().min(0).default(1500),
    /** A live second goes out at the latest this long after it ended, with the windows in and the count of workers missing; a later window revises it. */
    LIVE_DEADLINE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
    /** On SIGTERM/SIGINT, how long the runs in progress may take to finish before the master closes and leaves them to the next one. */
    MASTER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
    /** How often the master tells the workers it is alive; keep it well under the workers' WORKER_MASTER_GRACE_MS. */
    MASTER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Origins allowed cross-origin access to the API, comma-separated (`https://a.example,http://b:3000`); none by default. */
    LOADTEST_CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin is scheme://host[:port], with no path'))),
    /** API writes (POST, PUT, PATCH, DELETE under /api/v1) per minute per client IP; answered 429 with Retry-After beyond. */
    LOADTEST_WRITE_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
    /** Caps of one run, checked when it starts: its peak concurrent VUs, its peak requests per second, its planned length. */
    LOADTEST_MAX_RUN_VUS: z.coerce.number().int().min(1).default(100_000),
    LOADTEST_MAX_RUN_RATE: z.coerce.number().min(1).default(1_000_000),
    LOADTEST_MAX_RUN_DURATION_S: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 24 * 3600),
    /** An operator's caps (admins have the general ones above); each defaults to its general cap. */
    LOADTEST_OPERATOR_MAX_RUN_VUS: z.coerce.number().int().min(1).optional(),
    LOADTEST_OPERATOR_MAX_RUN_RATE: z.coerce.number().min(1).optional(),
    LOADTEST_OPERATOR_MAX_RUN_DURATION_S: z.coerce.number().int().min(1).optional(),
    /** Login attempts (password or one-time link) per minute per client IP. */
    LOADTEST_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    /** The first admin's dashboard password, used on the first start only (12 characters or more). */
    LOADTEST_ADMIN_PASSWORD: emptyIsUnset(z.string().min(12, 'must be at least 12 characters')),
    /** An admin API token to create (if new) at each start: `lt_` and 43 or more base64url characters. */
    LOADTEST_ADMIN_TOKEN: emptyIsUnset(
      z.string().regex(/^lt_[A-Za-z0-9_-]{43,200}$/, 'must be lt_ followed by at least 43 base64url characters (32 random bytes)'),
    ),
    /** The master's address as users reach it, for the login link it prints (`https://loadtest.example.com`); http://HOST:PORT by default. */
    LOADTEST_PUBLIC_URL: optionalUrl,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((e) => e.WORKER_LOST_AFTER_MS > e.WORKER_MISSING_AFTER_MS, {
    path: ['WORKER_LOST_AFTER_MS'],
    message: 'must be more than WORKER_MISSING_AFTER_MS',
  });

export interface MasterConfig {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  amqpUrl: string | undefined;
  amqpNamespace: string;
  dataDir: string;
  embeddedPgPort: number;
  localWorkers: number;
  localWorkerThreads: number;
  workerMissingAfterMs: number;
  workerLostAfterMs: number;
  runStartLeadMs: number;
  liveDeadlineMs: number;
  shutdownGraceMs: number;
  masterHeartbeatMs: number;
  logLevel: string;
  corsOrigins: string[];
  writeRateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  runCaps: { vus: number; rate: number; durationSeconds: number };
  operatorRunCaps: { vus: number; rate: number; durationSeconds: number; setting: string };
  adminPassword: string | undefined;
  adminToken: string | undefined;
  publicUrl: string | undefined;
}

/** Reads the master's settings from the environment; a bad value fails start-up naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): MasterConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid environment: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    amqpUrl: e.AMQP_URL,
    amqpNamespace: e.AMQP_NAMESPACE,
    dataDir: resolve(e.LOADTEST_DATA_DIR),
    embeddedPgPort: e.LOADTEST_EMBEDDED_PG_PORT,
    localWorkers: e.AMQP_URL ? 0 : e.LOCAL_WORKERS,
    localWorkerThreads: e.LOCAL_WORKER_THREADS,
    workerMissingAfterMs: e.WORKER_MISSING_AFTER_MS,
    workerLostAfterMs: e.WORKER_LOST_AFTER_MS,
    runStartLeadMs: e.RUN_START_LEAD_MS,
    liveDeadlineMs: e.LIVE_DEADLINE_MS,
    shutdownGraceMs: e.MASTER_SHUTDOWN_GRACE_MS,
    masterHeartbeatMs: e.MASTER_HEARTBEAT_MS,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.LOADTEST_CORS_ORIGINS,
    writeRateLimitPerMinute: e.LOADTEST_WRITE_RATE_LIMIT,
    loginRateLimitPerMinute: e.LOADTEST_LOGIN_RATE_LIMIT,
    runCaps: { vus: e.LOADTEST_MAX_RUN_VUS, rate: e.LOADTEST_MAX_RUN_RATE, durationSeconds: e.LOADTEST_MAX_RUN_DURATION_S },
    operatorRunCaps: {
      vus: e.LOADTEST_OPERATOR_MAX_RUN_VUS ?? e.LOADTEST_MAX_RUN_VUS,
      rate: e.LOADTEST_OPERATOR_MAX_RUN_RATE ?? e.LOADTEST_MAX_RUN_RATE,
      durationSeconds: e.LOADTEST_OPERATOR_MAX_RUN_DURATION_S ?? e.LOADTEST_MAX_RUN_DURATION_S,
      setting: 'LOADTEST_OPERATOR_MAX_RUN',
    },
    adminPassword: e.LOADTEST_ADMIN_PASSWORD,
    adminToken: e.LOADTEST_ADMIN_TOKEN,
    publicUrl: e.LOADTEST_PUBLIC_URL,
  };
}
