import { describeIssues } from '@loadtest/protocol';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const DEFAULT_LADDER = [100, 1000, 2500, 5000];

export const USAGE = `Ingest benchmark: simulated workers → RabbitMQ → the real master → PostgreSQL, 10 Socket.IO clients.

  npm run bench:ingest                                   the ladder 3 times, 60 s per step
  npm run bench:ingest -- --workers 50 --duration 10 --runs 1 --out /tmp/ingest.json   quick smoke run

Options
  --workers <n[,n…]>        worker counts to try, in order (default ${DEFAULT_LADDER.join(',')})
  --runs <n>                runs of the whole ladder (fresh master per step); headline = medians, spread = min–max (default 3)
  --duration <s>            seconds per step (default 60)
  --rps <n>                 requests per second each simulated worker reports (default 200)
  --workers-per-process <n> simulated workers per simulator process, one timer each (default 1250)
  --clients <n>             Socket.IO clients subscribed to the run (default 10)
  --pool-size <n>           distinct windows measured per second per simulator process (default 32)
  --start-lead-ms <ms>      the master's RUN_START_LEAD_MS (default: the master's own default)
  --refine <n>              after the ladder, bisect between the last passing and first failing count n times (default 0)
  --stop-on-fail            stop the ladder at the first failing step
  --cpu-limit <cores>       a step passes only with the master's mean CPU below this (default 1.0)
  --p99-limit-ms <ms>       … and window-to-socket p99 below this (default 1000)
  --master-rss-limit-mb <n> kill the master (step fails) if its RSS passes this, to protect the machine (default 8192)
  --quiet-cores <n>         before each step, wait until the machine has fewer busy cores than this (default 0.5)
  --quiet-wait-s <s>        … but at most this long; 0 does not wait (default 120)
  --profile-workers <n>     after the ladder, one extra run of n workers with the master under the V8 CPU profiler,
                            to show where its CPU goes; not counted in the verdict (default: the largest count tried; 0: none)
  --profile-duration <s>    seconds of that run (default: 20, or --duration if shorter)
  --master-log-level <l>    the master's LOG_LEVEL (default warn; info logs every worker's state changes)
  --master-bundle           run the master from its JavaScript bundle, as \`npm start\` and the images do (built first
                            if its sources changed), instead of its TypeScript sources under tsx
  --master-node-flags=<f>   node's flags for the master, space-separated (after "=": they start with --), or "none"
                            (default: the shipped ones, apps/master/node-flags.json, as \`npm start\` and the image pass them)
  --out <file>              where to write the JSON (default bench-results/ingest.json; relative to the repository root)
  --amqp-url <url>          RabbitMQ (default $BENCH_AMQP_URL or amqp://guest:guest@127.0.0.1:5672)
  --pg-url <url>            PostgreSQL admin URL (default $BENCH_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres)
  --seed <n>                seed of the window generator (default 1)
  --help`;

const positiveInt = z.coerce.number().int().min(1);

const OptionsSchema = z.object({
  workers: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    )
    .pipe(z.array(z.coerce.number<string>().int().min(1).max(5000)).min(1, 'needs at least one worker count').max(20)),
  runs: positiveInt.max(10),
  duration: positiveInt.max(3600),
  rps: positiveInt.max(100_000),
  workersPerProcess: positiveInt.max(5000),
  clients: z.coerce.number().int().min(0).max(100),
  poolSize: positiveInt.max(10_000),
  startLeadMs: z.coerce.number().int().min(0).max(60_000).optional(),
  refine: z.coerce.number().int().min(0).max(5),
  stopOnFail: z.boolean(),
  cpuLimit: z.coerce.number().positive().max(64),
  p99LimitMs: z.coerce.number().positive(),
  masterRssLimitMb: positiveInt.max(1_000_000),
  quietCores: z.coerce.number().positive().max(1024),
  quietWaitS: z.coerce.number().int().min(0).max(3600),
  profileWorkers: z.coerce.number().int().min(0).max(5000).optional(),
  profileDuration: positiveInt.max(3600).optional(),
  masterLogLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  masterBundle: z.boolean(),
  /** Undefined: the shipped flags. */
  masterNodeFlags: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? undefined : s.trim() === 'none' ? [] : s.split(' ').filter((f) => f !== '')))
    .pipe(z.array(z.string().regex(/^--[a-z0-9-]+(=\S+)?$/, 'each flag must look like --name or --name=value')).optional()),
  out: z.string().min(1),
  amqpUrl: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// URL'),
  pgUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  seed: z.coerce.number().int(),
});

export type BenchOptions = z.infer<typeof OptionsSchema>;

export type ParsedCommandLine = { help: true } | { help: false; options: BenchOptions };

/** Reads the command line (without node and the script); throws an Error naming the bad flag. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommandLine {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      workers: { type: 'string' },
      runs: { type: 'string' },
      duration: { type: 'string' },
      rps: { type: 'string' },
      'workers-per-process': { type: 'string' },
      clients: { type: 'string' },
      'pool-size': { type: 'string' },
      'start-lead-ms': { type: 'string' },
      refine: { type: 'string' },
      'stop-on-fail': { type: 'boolean' },
      'cpu-limit': { type: 'string' },
      'p99-limit-ms': { type: 'string' },
      'master-rss-limit-mb': { type: 'string' },
      'quiet-cores': { type: 'string' },
      'quiet-wait-s': { type: 'string' },
      'profile-workers': { type: 'string' },
      'profile-duration': { type: 'string' },
      'master-log-level': { type: 'string' },
      'master-bundle': { type: 'boolean' },
      'master-node-flags': { type: 'string' },
      out: { type: 'string' },
      'amqp-url': { type: 'string' },
      'pg-url': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const parsed = OptionsSchema.safeParse({
    workers: values.workers ?? DEFAULT_LADDER.join(','),
    runs: values.runs ?? '3',
    duration: values.duration ?? '60',
    rps: values.rps ?? '200',
    workersPerProcess: values['workers-per-process'] ?? '1250',
    clients: values.clients ?? '10',
    poolSize: values['pool-size'] ?? '32',
    startLeadMs: values['start-lead-ms'],
    refine: values.refine ?? '0',
    stopOnFail: values['stop-on-fail'] ?? false,
    cpuLimit: values['cpu-limit'] ?? '1.0',
    p99LimitMs: values['p99-limit-ms'] ?? '1000',
    masterRssLimitMb: values['master-rss-limit-mb'] ?? '8192',
    quietCores: values['quiet-cores'] ?? '0.5',
    quietWaitS: values['quiet-wait-s'] ?? '120',
    profileWorkers: values['profile-workers'],
    profileDuration: values['profile-duration'],
    masterLogLevel: values['master-log-level'] ?? 'warn',
    masterBundle: values['master-bundle'] ?? false,
    masterNodeFlags: values['master-node-flags'],
    out: values.out ?? 'bench-results/ingest.json',
    amqpUrl: values['amqp-url'] ?? env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    pgUrl: values['pg-url'] ?? env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    seed: values.seed ?? '1',
  });
  if (!parsed.success) throw new Error(`invalid options: ${describeIssues(parsed.error)}`);
  return { help: false, options: parsed.data };
}
