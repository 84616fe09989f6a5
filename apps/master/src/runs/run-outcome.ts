import type { RunStatus, Segment, WorkerShareState } from '@loadtest/protocol';

/** Share states after which a worker sends nothing more for its share. */
export const ENDED_SHARE_STATES: ReadonlySet<WorkerShareState> = new Set(['finished', 'stopped', 'failed', 'lost', 'left', 'interrupted']);

export interface ShareAtEnd {
  workerId: string;
  index: number;
  state: WorkerShareState;
  reason: string | null;
  /** The share's execution segment; null (or absent) for runs from before segments. */
  segment?: Segment | null;
}

export interface RunEndContext {
  /** Why the run was aborted (a threshold with abortOnFail, or onWorkerLoss: abort), if it was. */
  aborted?: string | undefined;
  /** A stop was asked through the API (of this master). */
  stopRequested: boolean;
  /** The run was taken up after this master's start: a share that never reported again was cut off by its absence. */
  recovered: boolean;
  /** Why the run is being ended before every share did (overdue, windows missing past the grace). */
  forced?: string | undefined;
}

/**
 * How a run ends, from its shares as stored and what the master knows: the
 * state, and every reason worth telling the user (joined into the run's
 * `error`). `failed` wins over `interrupted`, which wins over `stopped`.
 */
export function runOutcome(shares: readonly ShareAtEnd[], context: RunEndContext): { state: RunStatus; reasons: string[] } {
  const { aborted, forced } = context;
  const failures = shares.filter((w) => w.state === 'failed').map((w) => `${w.workerId}: ${w.reason ?? 'failed'}`);
  const open = shares.filter((w) => !ENDED_SHARE_STATES.has(w.state)).map((w) => w.workerId);
  const interrupted = shares.filter((w) => w.state === 'interrupted');
  const reasons: string[] = [];
  if (interrupted.length > 0) reasons.push(`interrupted: ${interrupted.map((w) => `${w.workerId}: ${w.reason ?? 'stopped'}`).join('; ')}`);
  if (aborted) reasons.push(aborted);
  if (failures.length > 0) reasons.push(`worker failures: ${failures.join('; ')}`);
  // After a restart, a share that never reported again was cut off while no master was there (e.g. a local worker
  // that went down with it): the run was interrupted, not failed by its workers.
  const cutOff = context.recovered && open.length > 0;
  if (cutOff) reasons.push(`interrupted: the master restarted during the run and these workers never reported again: ${open.join(', ')}`);
  else if (open.length > 0) reasons.push(`workers that did not report an end: ${open.join(', ')}`);
  if (forced && open.length === 0) reasons.push(forced);
  // A share whose worker was lost or left, and that other workers did not carry on whole: the run had less load than planned.
  const gone = (w: ShareAtEnd) => w.state === 'lost' || w.state === 'left';
  const uncovered = shares.filter(
    (w) =>
      gone(w) &&
      !carriedOn(
        w,
        shares.filter((o) => o !== w && o.index === w.index && !gone(o)),
      ),
  );
  const allGone = shares.length > 0 && shares.every(gone);
  if (!aborted && uncovered.length > 0) {
    reasons.push(
      `${allGone ? 'every worker of the run was lost or left' : 'ran with less load than planned'}: ${uncovered.map((w) => `${w.workerId} ${w.reason ?? w.state}`).join('; ')}`,
    );
  }
  let state: RunStatus;
  if (aborted || failures.length > 0 || (open.length > 0 && !cutOff) || allGone) state = 'failed';
  else if (interrupted.length > 0 || cutOff) state = 'interrupted';
  // A share ends `stopped` only when a master asked it to: that tells a stop asked before a restart too.
  else state = context.stopRequested || shares.some((w) => w.state === 'stopped') ? 'stopped' : 'finished';
  return { state, reasons };
}

/**
 * Whether the shares that carried on a gone share (same index, not gone themselves) cover its segment: one
 * takeover of it whole, or parts of it (and parts of lost parts) whose lengths add up to it, exactly.
 * Without segments (old runs), any such share counts.
 */
function carriedOn(gone: ShareAtEnd, takers: readonly ShareAtEnd[]): boolean {
  if (!gone.segment) return takers.length > 0;
  const segment = gone.segment;
  const within = takers.filter((t) => t.segment && !less(t.segment.from, segment.from) && !less(segment.to, t.segment.to));
  const covered = within.reduce((sum, t) => add(sum, length(t.segment!)), { num: 0n, den: 1n });
  const whole = length(segment);
  return covered.num * whole.den >= whole.num * covered.den;
}

type BigFraction = { num: bigint; den: bigint };
const less = (a: Segment['from'], b: Segment['from']) => BigInt(a.num) * BigInt(b.den) < BigInt(b.num) * BigInt(a.den);
const length = (s: Segment): BigFraction => ({
  num: BigInt(s.to.num) * BigInt(s.from.den) - BigInt(s.from.num) * BigInt(s.to.den),
  den: BigInt(s.from.den) * BigInt(s.to.den),
});
const add = (a: BigFraction, b: BigFraction): BigFraction => ({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
