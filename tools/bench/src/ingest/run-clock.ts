/**
 * The simulators' clock of a run: which seconds' windows are due, and when the
 * process must wake next. A worker publishes its window of second s at its end,
 * startAt + (s + 1) s, as the real worker does.
 */

export interface RunClock {
  /** The run's start instant, epoch ms. */
  startAt: number;
  durationSeconds: number;
  /** Next second whose windows are not out yet. */
  nextSecond: number;
}

/** The last second whose end has passed at `now`, capped at the run's last second; -1 before the first second ends. */
export function lastDueSecond(now: number, startAt: number, durationSeconds: number): number {
  if (now < startAt) return -1;
  return Math.min(durationSeconds - 1, Math.floor((now - startAt) / 1000) - 1);
}

/** When to wake for the run next: its start, then the end of its next second; null once every second is out. */
export function nextWake(now: number, run: RunClock): number | null {
  if (run.nextSecond >= run.durationSeconds) return null;
  return now < run.startAt ? run.startAt : run.startAt + (run.nextSecond + 1) * 1000;
}
