import os from 'node:os';
import type { WorkerIdentity } from './worker-agent.js';

export const WORKER_VERSION = '0.1.0';

/**
 * The engine threads a worker runs on: `--threads` if given, else
 * WORKER_THREADS, else every core of the machine (os.availableParallelism()).
 */
export function workerThreads(cli: string | undefined, env: NodeJS.ProcessEnv): number {
  const [source, value] = cli !== undefined ? ['--threads', cli] : env.WORKER_THREADS ? ['WORKER_THREADS', env.WORKER_THREADS] : [undefined, undefined];
  if (source === undefined) return os.availableParallelism();
  const threads = Number(value);
  if (!/^\s*\d+\s*$/.test(value!) || !Number.isSafeInteger(threads) || threads < 1) throw new Error(`${source} must be a whole number ≥ 1, got "${value}"`);
  return threads;
}

/**
 * Reads the worker's identity and capacity from the machine and the
 * environment. `cores` is the engine threads it runs on (`threads`, by default
 * every core of the machine).
 */
export function workerIdentity(env: NodeJS.ProcessEnv, options: { fallbackId?: string; threads?: number } = {}): WorkerIdentity {
  const host = os.hostname();
  const maxConnections = env.WORKER_MAX_CONNECTIONS ? Number(env.WORKER_MAX_CONNECTIONS) : 10_000;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new Error(`WORKER_MAX_CONNECTIONS must be a whole number ≥ 1, got "${env.WORKER_MAX_CONNECTIONS}"`);
  }
  return {
    workerId: env.WORKER_ID || options.fallbackId || `${host}-${process.pid}`,
    host,
    version: WORKER_VERSION,
    capabilities: { cores: options.threads ?? os.availableParallelism(), memoryBytes: os.totalmem(), maxConnections },
  };
}
