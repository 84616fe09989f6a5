import { peakConcurrency, segmentShare, usableWorkers, weightedSegments, type Segment } from '@loadtest/execution';
import type { RunLoad } from '@loadtest/protocol';
import { InsufficientCapacity } from './run-errors.js';

/**
 * Picks the workers of a run and their execution segments, weighted by the
 * connections each declared it can hold. Refuses (InsufficientCapacity) a run whose peak
 * connections exceed what the available workers hold together. Every used
 * worker gets at least one connection of every scenario at its peak: while
 * some would not, the smallest worker is left out. With equal capacities the
 * segments are the even ones (100 over 3: 34/33/33).
 */
export function assignWorkers(
  load: RunLoad,
  available: string[],
  declaredCapacity: (workerId: string) => number | null,
): { workerIds: string[]; segments: Segment[] } {
  const peaks = load.scenarios.map(peakConcurrency);
  const need = peaks.reduce((a, b) => a + b, 0);
  const declared = available.map(declaredCapacity);
  const known = declared.filter((c): c is number => c !== null);
  // A worker that has not said hello (e.g. the master restarted and only its heartbeats came) weighs as the smallest known.
  const fallback = known.length > 0 ? Math.min(...known) : 1;
  const capacity = new Map(available.map((id, i) => [id, declared[i] ?? fallback]));
  // Capacity can only be judged when every worker declared it.
  const judge = known.length === available.length;
  const total = (ids: string[]) => ids.reduce((sum, id) => sum + capacity.get(id)!, 0);
  const holding = (ids: string[], which: string) =>
    `the ${ids.length} ${which} worker${ids.length === 1 ? ' holds' : 's hold'} ${total(ids)} (${ids.map((id) => `${id} ${capacity.get(id)!}`).join(', ')})`;
  if (judge && need > total(available))
    throw new InsufficientCapacity(need, `this run needs up to ${need} connections at once; ${holding(available, 'available')}`);

  // Left out first: the smallest capacity, and among equals the last by id (as with even segments).
  const dropOrder = [...available].sort((a, b) => capacity.get(a)! - capacity.get(b)! || b.localeCompare(a));
  const used = new Set(available);
  const bound = Math.max(1, usableWorkers(load, available.length));
  for (const id of dropOrder) {
    if (used.size <= bound) break;
    used.delete(id);
  }
  for (;;) {
    const workerIds = available.filter((id) => used.has(id));
    const segments = weightedSegments(workerIds.map((id) => capacity.get(id)!));
    const everyScenario = segments.every((segment) => peaks.every((peak) => segmentShare(segment, peak) >= 1));
    if (everyScenario || workerIds.length === 1) {
      if (judge && workerIds.length < available.length && need > total(workerIds)) {
        throw new InsufficientCapacity(
          need,
          `this run needs up to ${need} connections at once; ${holding(workerIds, 'usable')}, as every worker of a run must get at least one connection of every scenario (the smallest has ${Math.min(...peaks)}); ${holding(available, 'available')}`,
        );
      }
      return { workerIds, segments };
    }
    used.delete(dropOrder.find((id) => used.has(id))!);
  }
}
