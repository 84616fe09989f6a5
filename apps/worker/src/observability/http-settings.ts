export interface WorkerHttpSettings {
  /** Unset: no server. */
  port: number | undefined;
  host: string;
}

/**
 * WORKER_HTTP_PORT (1–65535, or 0 for any free port) turns the probes and metrics server on; WORKER_HTTP_HOST is
 * where it listens (127.0.0.1 by default; a pod sets 0.0.0.0 so that the kubelet and Prometheus reach it).
 */
export function workerHttpSettings(env: NodeJS.ProcessEnv): WorkerHttpSettings {
  const host = env.WORKER_HTTP_HOST || '127.0.0.1';
  const text = env.WORKER_HTTP_PORT;
  if (text === undefined || text === '') return { port: undefined, host };
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`WORKER_HTTP_PORT must be a port number (0-65535), got ${JSON.stringify(text)}`);
  return { port, host };
}
