/** After a start, this many heartbeats come each second before the configured interval applies. */
export const FAST_START_HEARTBEATS = 10;

/**
 * How long after the `sent`-th heartbeat the next one is due. Each heartbeat is
 * one delivery per worker queue, so the steady interval is long (5 s by
 * default: at 1000 workers, one a second cost the broker about 0.13 cores in
 * the ingest benchmark). The first ones after a start come each second, so that
 * the workers of a restarted master hear its new id, and say hello again, at once.
 */
export function nextHeartbeatDelay(sent: number, intervalMs: number): number {
  return sent < FAST_START_HEARTBEATS ? Math.min(1000, intervalMs) : intervalMs;
}

export interface MasterHeartbeatOptions {
  intervalMs: number;
  /** False while the broker is away: nothing is sent then (a late heartbeat would say nothing true). */
  canSend(): boolean;
  send(): void;
}

/** Sends the master's heartbeats on the schedule above until stopped. */
export function startMasterHeartbeat(options: MasterHeartbeatOptions): { stop(): void } {
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(beat, nextHeartbeatDelay(sent, options.intervalMs));
    timer.unref();
  };
  const beat = () => {
    if (options.canSend()) {
      sent += 1;
      options.send();
    }
    schedule();
  };
  schedule();
  return { stop: () => clearTimeout(timer) };
}
