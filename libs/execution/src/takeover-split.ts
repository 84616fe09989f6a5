import type { LoadModel, Segment } from '@loadtest/protocol';
import { peakConcurrency, segmentConnections } from './scenarios.js';
import { segmentShare, splitSegmentWeighted } from './segment.js';

/** A worker that could take a part of a lost segment, and how many more connections it can hold. */
export interface TakerCapacity {
  workerId: string;
  /** Connections it can still open: its declared capacity less what its shares of the run hold at their peak. */
  spare: number;
}

/** One worker's part of a lost segment. */
export interface TakeoverPart {
  workerId: string;
  segment: Segment;
  /** The most connections the part keeps open at once (every scenario). */
  connections: number;
}

export interface TakeoverSplit {
  /** Consecutive parts from the segment's start, one per taker; empty when none can take any. */
  parts: TakeoverPart[];
  /** The end of the segment that no taker had room for, [last part's end, segment's end); null when all is taken. */
  uncovered: Segment | null;
}

const connectionsOf = (segment: Segment, scenarios: readonly LoadModel[]) => scenarios.reduce((sum, s) => sum + segmentConnections(segment, s), 0);

/**
 * Splits a lost worker's segment among workers already busy with the run, in
 * proportion to their spare connections, so that the planned load is restored
 * without any taker going past what it declared it can hold. When together
 * they have less room than the segment needs, they take a prefix of it in that
 * proportion and the rest stays `uncovered`. As for the run's own segments,
 * every part gets at least one connection of every scenario at its peak:
 * while one would not, the taker with the least room is left out. The parts
 * tile the covered range exactly (splitSegmentWeighted), so their shares of any
 * total add up to the covered range's share.
 */
export function planTakeoverSplit(segment: Segment, scenarios: readonly LoadModel[], takers: readonly TakerCapacity[]): TakeoverSplit {
  const need = connectionsOf(segment, scenarios);
  const peaks = scenarios.map(peakConcurrency);
  // Most room first; among equals by id, so the plan is the same whoever computes it.
  let candidates = takers
    .filter((t) => Number.isSafeInteger(t.spare) && t.spare >= 1)
    .sort((a, b) => b.spare - a.spare || a.workerId.localeCompare(b.workerId));
  while (candidates.length > 0) {
    const split = fitWithin(segment, scenarios, candidates, need);
    if (split && split.parts.every((part) => peaks.every((peak) => segmentShare(part.segment, peak) >= 1))) return split;
    candidates = candidates.slice(0, -1);
  }
  return { parts: [], uncovered: segment };
}

/**
 * Weights the parts by spare room (plus, when the room is short, a last weight for
 * the uncovered rest) and, as a part's share can round up past its exact fraction,
 * lowers a taker's weight by its excess until every part fits; undefined if none can.
 */
function fitWithin(segment: Segment, scenarios: readonly LoadModel[], takers: readonly TakerCapacity[], need: number): TakeoverSplit | undefined {
  const weights = takers.map((t) => t.spare);
  for (let attempt = 0; attempt < 8; attempt++) {
    const room = weights.reduce((a, b) => a + b, 0);
    const short = Math.max(0, need - room);
    const pieces = splitSegmentWeighted(segment, short > 0 ? [...weights, short] : weights);
    const parts = takers.map((t, i) => ({ workerId: t.workerId, segment: pieces[i]!, connections: connectionsOf(pieces[i]!, scenarios) }));
    let over = false;
    parts.forEach((part, i) => {
      const excess = part.connections - takers[i]!.spare;
      if (excess > 0) {
        over = true;
        weights[i] = Math.max(1, weights[i]! - excess);
      }
    });
    if (!over) return { parts, uncovered: short > 0 ? pieces.at(-1)! : null };
    if (parts.some((part, i) => part.connections > takers[i]!.spare && weights[i] === 1)) return undefined;
  }
  return undefined;
}
