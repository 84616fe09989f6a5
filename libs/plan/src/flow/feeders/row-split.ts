import { ceilOf, type Segment } from '@loadtest/execution';

/** Rows [from, to) of a data set. */
export interface RowRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The rows an execution segment owns: [ceil(from·N), ceil(to·N)). The ranges
 * of segments that tile [0, 1) tile the rows exactly, whatever the split into
 * workers and then engine threads (sub-segments), as segmentShare's shares do.
 */
export function segmentRows(segment: Segment, total: number): RowRange {
  return { from: ceilOf(segment.from, total), to: ceilOf(segment.to, total) };
}

/**
 * Connection k's part of a range split over `connections`: contiguous, sizes
 * differing by at most one, together exactly the range.
 */
export function connectionRows(range: RowRange, connection: number, connections: number): RowRange {
  if (!Number.isInteger(connections) || connections < 1) throw new RangeError(`connections must be a whole number ≥ 1, got ${connections}`);
  if (!Number.isInteger(connection) || connection < 0 || connection >= connections)
    throw new RangeError(`connection must be in [0, ${connections}), got ${connection}`);
  const n = range.to - range.from;
  return { from: range.from + Math.floor((connection * n) / connections), to: range.from + Math.floor(((connection + 1) * n) / connections) };
}
