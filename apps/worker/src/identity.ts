import os from 'node:os';
import type { WorkerIdentity } from './worker-agent.js';

export const WORKER_VERSION = '0.1.0';

/** Reads the worker's identity and capacity from the machine and the environment. */
export function workerIdentity(env: NodeJS.ProcessEnv, fallbackId?: string): WorkerIdentity {
  const host = os.hostname();
  const maxConnections = env.WORKER_MAX_CONNECTIONS ? Number(env.WORKER_MAX_CONNECTIONS) : 10_000;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new Error(`WORKER_MAX_CONNECTIONS must be a whole number ≥ 1, got "${env.WORKER_MAX_CONNECTIONS}"`);
  }
  return {
    workerId: env.WORKER_ID || fallbackId || `${host}-${process.pid}`,
    host,
    version: WORKER_VERSION,
    capabilities: { cores: os.availableParallelism(), memoryBytes: os.totalmem(), maxConnections },
  };
}
