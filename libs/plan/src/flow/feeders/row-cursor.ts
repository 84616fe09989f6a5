import type { Row } from '../scope.js';
import type { RowRange } from './row-split.js';

/** Hands a virtual user its row for each iteration; undefined when it has none left (the VU then stops). */
export interface RowCursor {
  next(): Row | undefined;
}

export interface CursorOptions {
  mode: 'sequential' | 'random' | 'unique';
  onExhausted: 'stop' | 'recycle';
  /** Every row of the data set. */
  rows: readonly Row[];
  /** The connection's own rows (connectionRows of its segment's): a unique VU's rows, a sequential VU's start. */
  own: RowRange;
  random?: () => number;
}

/**
 * - `sequential`: every row in order, from the first of the VU's own rows (so
 *   that the run's VUs start spread over the data), round again on `recycle`,
 *   stopping after one pass on `stop`;
 * - `random`: any row each time, never exhausted;
 * - `unique`: the VU's own rows only, once (`stop`) or round again (`recycle`).
 * A data set without rows (or a unique VU without own rows) stops the VU whatever `onExhausted` says.
 */
export function rowCursor(options: CursorOptions): RowCursor {
  const { rows, own } = options;
  const total = rows.length;
  if (total === 0) return { next: () => undefined };
  if (options.mode === 'random') {
    const random = options.random ?? Math.random;
    return { next: () => rows[Math.min(total - 1, Math.floor(random() * total))] };
  }
  const recycle = options.onExhausted === 'recycle';
  if (options.mode === 'sequential') {
    const start = own.from % total;
    let used = 0;
    return {
      next: () => {
        if (used >= total && !recycle) return undefined;
        return rows[(start + used++) % total];
      },
    };
  }
  const size = own.to - own.from;
  let used = 0;
  return {
    next: () => {
      if (size <= 0 || (used >= size && !recycle)) return undefined;
      return rows[own.from + (used++ % size)];
    },
  };
}
