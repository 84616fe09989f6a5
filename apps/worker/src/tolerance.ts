/** How a worker rides out a master or broker that is away. */
export interface WorkerTolerance {
  /**
   * A share stops, and ends `interrupted`, when nothing came from the master
   * for this long (its heartbeats come every 5 s by default): the master is gone, and
   * what the share would measure could not be stored. Long enough to ride out
   * a master restart or a broker outage.
   */
  masterGraceMs: number;
  /**
   * The most windows a share may have published and not yet had confirmed by
   * the broker (they are held in memory and sent again when it is back). When
   * reached, the share stops generating and ends `failed`, keeping them all.
   */
  maxBufferedWindows: number;
}

export const DEFAULT_TOLERANCE: WorkerTolerance = { masterGraceMs: 30_000, maxBufferedWindows: 3600 };

function whole(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return parsed;
}

/** WORKER_MASTER_GRACE_MS and WORKER_WINDOW_BUFFER, with their defaults; a bad value names the variable. */
export function workerTolerance(env: NodeJS.ProcessEnv): WorkerTolerance {
  return {
    masterGraceMs: whole('WORKER_MASTER_GRACE_MS', env.WORKER_MASTER_GRACE_MS, DEFAULT_TOLERANCE.masterGraceMs, 1000),
    maxBufferedWindows: whole('WORKER_WINDOW_BUFFER', env.WORKER_WINDOW_BUFFER, DEFAULT_TOLERANCE.maxBufferedWindows, 1),
  };
}
