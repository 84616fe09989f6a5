/** What the benchmark and its generator processes (the drivers) exchange. */

export type NodeTool = 'worker' | 'autocannon';
export type Tool = NodeTool | 'wrk';
export const TOOLS: readonly Tool[] = ['worker', 'autocannon', 'wrk'];

/** Name of the environment variable that carries the JSON `DriverConfig`. */
export const DRIVER_CONFIG_ENV = 'BENCH_GENERATOR_CONFIG';

export interface DriverConfig {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  repoRoot: string;
  /** When set, the driver profiles its measured interval (V8 CPU profiler) and writes the profile there. */
  profilePath?: string;
}

/** The line a driver prints last on stdout, after this prefix. */
export const RESULT_PREFIX = 'BENCH_GENERATOR_RESULT ';

export interface DriverResult {
  tool: NodeTool;
  /** Responses received over the measured interval (any status). */
  responses: number;
  /** Responses whose status was not 2xx. */
  non2xx: number;
  /** Requests that failed (connection errors, timeouts). */
  errors: number;
  /** Measured interval, epoch ms: from starting the load to its end (every connection closed). */
  startedAt: number;
  endedAt: number;
  /** Length of the measured interval (monotonic clock), ms. */
  elapsedMs: number;
  /** This process's CPU time (user + system) over the measured interval, ms. */
  cpuMs: number;
  /** Tool-specific figures. */
  detail: Record<string, unknown>;
}

/** The driver's result from its stdout; null when it printed none. */
export function parseDriverOutput(stdout: string): DriverResult | null {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) return null;
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as DriverResult;
}

export function readDriverConfig(env: NodeJS.ProcessEnv = process.env): DriverConfig {
  const raw = env[DRIVER_CONFIG_ENV];
  if (!raw) throw new Error(`${DRIVER_CONFIG_ENV} is not set: this script is started by tools/bench/src/generator/main.ts`);
  return JSON.parse(raw) as DriverConfig;
}
