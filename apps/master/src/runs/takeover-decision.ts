import { planTakeoverSplit, type Segment } from '@loadtest/execution';
import { parseShareId, shareId, type WorkerState } from '@loadtest/protocol';
import { ENDED_SHARE_STATES } from './run-outcome.js';
import type { StoredRun } from './run-repository.js';

/** A taker is given a share only if this much of the run is left: less would end before it has started. */
export const MIN_TAKEOVER_MS = 1000;

export interface LostShare {
  /** The lost share's id (a worker's id, or `<workerId>~<part>`). */
  shareId: string;
  index: number;
  connections: number;
  segment: Segment | null;
}

export interface TakeoverContext {
  run: Pick<StoredRun, 'workers' | 'load' | 'startAt'>;
  lost: LostShare;
  /** Workers free to take a share now (the registry's `available`), in a stable order. */
  idle: readonly string[];
  workerState(workerId: string): WorkerState | null;
  /** The connections a worker declared it can hold; null when unknown. */
  capacity(workerId: string): number | null;
  nowMs: number;
}

export interface PlannedPart {
  workerId: string;
  shareId: string;
  part: number;
  segment: Segment;
  connections: number;
}

export type TakeoverDecision =
  { kind: 'none'; why: string } | { kind: 'idle'; workerId: string } | { kind: 'split'; parts: PlannedPart[]; uncovered: Segment | null };

/**
 * Who carries on a lost share under `onWorkerLoss: rebalance`. An idle worker
 * takes it whole, as it then runs nothing else. Otherwise — the usual case,
 * every worker busy — the run's surviving workers split it by the connections
 * they have left (declared capacity less what their open shares of the run
 * hold), each part run beside their own share under the id `<workerId>~<part>`.
 * Nothing is handed on too close to the run's planned end.
 */
export function decideTakeover(ctx: TakeoverContext): TakeoverDecision {
  const { run, lost } = ctx;
  if (!lost.segment || !run.startAt) return { kind: 'none', why: 'the share has no execution segment' };
  const plannedEnd = run.startAt.getTime() + run.load.durationSeconds * 1000;
  if (ctx.nowMs > plannedEnd - MIN_TAKEOVER_MS) return { kind: 'none', why: 'too close to the planned end to hand it on' };
  const lostWorker = parseShareId(lost.shareId).workerId;
  const inRun = new Set(run.workers.map((w) => parseShareId(w.workerId).workerId));
  const idle = ctx.idle.find((id) => !inRun.has(id));
  if (idle) return { kind: 'idle', workerId: idle };

  // The run's other workers that still run a share of it and are heard from.
  const open = run.workers.filter((w) => !ENDED_SHARE_STATES.has(w.state));
  const survivors = [...new Set(open.map((w) => parseShareId(w.workerId).workerId))].filter((id) => id !== lostWorker && ctx.workerState(id) === 'busy');
  const takers = survivors.map((workerId) => {
    const held = open.filter((w) => parseShareId(w.workerId).workerId === workerId).reduce((sum, w) => sum + w.connections, 0);
    // A worker that has not said its capacity (no hello since a master restart) is taken to have room for the share.
    const capacity = ctx.capacity(workerId) ?? held + lost.connections;
    return { workerId, spare: capacity - held };
  });
  const { parts, uncovered } = planTakeoverSplit(lost.segment, run.load.scenarios, takers);
  if (parts.length === 0)
    return { kind: 'none', why: survivors.length === 0 ? 'no idle or busy worker could take over' : 'no worker of the run had room to take over' };
  return {
    kind: 'split',
    uncovered,
    parts: parts.map((p) => {
      const part =
        1 +
        run.workers.filter((w) => {
          const id = parseShareId(w.workerId);
          return id.workerId === p.workerId && id.part !== null;
        }).length;
      return { ...p, part, shareId: shareId(p.workerId, part) };
    }),
  };
}

/** A segment as `[2/3, 5/6)`, in lowest terms (an even segment may be stored as `[2/3, 3/3)`). */
export function segmentText(segment: Segment): string {
  return `[${fractionText(segment.from)}, ${fractionText(segment.to)})`;
}

function fractionText({ num, den }: Segment['from']): string {
  let [a, b] = [num, den];
  while (b !== 0) [a, b] = [b, a % b];
  return a > 1 ? `${num / a}/${den / a}` : `${num}/${den}`;
}
