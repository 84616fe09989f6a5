/**
 * Raw autocannon, alone in its own process (the benchmark pins it to one
 * core): the package's API with its defaults, the same connections, duration
 * and requests as the worker (GET /; or, for the flow case, GET / then POST / with JSON: FLOW_CASE). autocannon is resolved from apps/worker,
 * so it is the very copy (and version) the worker runs.
 *
 * Started by main.ts: node --import tsx tools/bench/src/generator/autocannon-driver.ts
 * (config in $BENCH_GENERATOR_CONFIG); prints one result line on stdout.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FLOW_CASE, readDriverConfig, RESULT_PREFIX, type DriverResult } from './ipc.js';
import { IntervalProfiler } from './profiler.js';

/** The fields of autocannon's result this driver reads (see autocannon's lib/run.js and lib/aggregateResult.js). */
interface AutocannonResult {
  /** requests.total = totalCompletedRequests: responses received; requests.average: mean of the per-sample counts. */
  requests: { total: number; average: number };
  /** Seconds from autocannon's start to the tick that stopped it, to 10 ms. */
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  samples: number;
}

type Autocannon = (
  options: {
    url: string;
    connections: number;
    duration: number;
    requests: readonly { method: string; path: string; headers?: Record<string, string>; body?: string }[];
  },
  callback: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

async function main(): Promise<void> {
  const config = readDriverConfig();
  const requireFromWorker = createRequire(join(config.repoRoot, 'apps/worker/package.json'));
  const autocannon = requireFromWorker('autocannon') as Autocannon;
  const version = (requireFromWorker('autocannon/package.json') as { version: string }).version;
  const flow = config.case === 'flow';
  const profiler = config.profilePath ? new IntervalProfiler() : undefined;
  await profiler?.start();

  const startedAt = Date.now();
  const startedHr = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: config.baseUrl,
        connections: config.connections,
        duration: config.durationSeconds,
        requests: flow ? FLOW_CASE.autocannonRequests : [{ method: 'GET', path: '/' }],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
  });
  const elapsedMs = Number(process.hrtime.bigint() - startedHr) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  const endedAt = Date.now();
  if (profiler) await profiler.stopTo(config.profilePath!);

  const out: DriverResult = {
    tool: flow ? 'autocannon-flow' : 'autocannon',
    responses: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    startedAt,
    endedAt,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    detail: {
      autocannonVersion: version,
      ownDurationSeconds: result.duration,
      ownRequestsAverage: result.requests.average,
      samples: result.samples,
      timeouts: result.timeouts,
    },
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`autocannon driver failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
