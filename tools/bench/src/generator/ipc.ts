/** What the benchmark and its generator processes (the drivers) exchange. */

export type NodeTool = 'worker' | 'autocannon';
/** The 2-step flow case (see FLOW_CASE): the worker's flow path vs autocannon's own 2-request sequence. */
export type FlowTool = 'worker-flow' | 'autocannon-flow';
/** `cli`: the `loadtest run` command without a master (the bundled CLI, `--threads 1`), as a user runs it. */
export type Tool = NodeTool | 'wrk' | 'cli' | FlowTool;
export const TOOLS: readonly Tool[] = ['worker', 'autocannon', 'wrk', 'cli'];
export const FLOW_TOOLS: readonly FlowTool[] = ['worker-flow', 'autocannon-flow'];

/** What each generator sends: `get` one GET / per iteration; `flow` GET / then POST / with a JSON body (see FLOW_CASE). */
export type BenchCase = 'get' | 'flow';

/**
 * The flow case: one iteration is GET /, then POST / with a JSON body. The worker runs it as a flow (its status
 * check takes it off the fast path: libs/engine/src/flow/fast-path.ts); autocannon runs the same two requests as its
 * own `requests` sequence (no check: it has none).
 */
const FLOW_BODY = { user: 'bench', pass: 'secret' };
export const FLOW_CASE = {
  workerSteps: [
    { kind: 'http', name: 'home', method: 'GET', url: '/' },
    { kind: 'http', name: 'login', method: 'POST', url: '/', body: { json: FLOW_BODY }, checks: [{ status: [200] }] },
  ],
  autocannonRequests: [
    { method: 'GET', path: '/' },
    { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FLOW_BODY) },
  ],
} as const;

/** The driver and the case of a tool. */
export function toolRun(tool: NodeTool | FlowTool): { driver: NodeTool; case: BenchCase } {
  if (tool === 'worker-flow') return { driver: 'worker', case: 'flow' };
  if (tool === 'autocannon-flow') return { driver: 'autocannon', case: 'flow' };
  return { driver: tool, case: 'get' };
}

/** Name of the environment variable that carries the JSON `DriverConfig`. */
export const DRIVER_CONFIG_ENV = 'BENCH_GENERATOR_CONFIG';

export interface DriverConfig {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  repoRoot: string;
  /** What to send; `get` when absent. */
  case?: BenchCase;
  /** When set, the driver profiles its measured interval (V8 CPU profiler) and writes the profile there. */
  profilePath?: string;
}

/** The line a driver prints last on stdout, after this prefix. */
export const RESULT_PREFIX = 'BENCH_GENERATOR_RESULT ';

export interface DriverResult {
  tool: NodeTool | FlowTool;
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
