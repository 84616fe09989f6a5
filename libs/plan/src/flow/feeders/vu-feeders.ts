import type { Row } from '../scope.js';
import type { RowCursor } from './row-cursor.js';

/** A virtual user's feeders: the next row of each, per iteration. */
export class VuFeeders {
  constructor(private readonly cursors: readonly (readonly [string, RowCursor])[]) {}

  /** Each feeder's next row, by feeder name; undefined when one has no row left (the VU stops). */
  next(): ReadonlyMap<string, Row> | undefined {
    const rows = new Map<string, Row>();
    for (const [name, cursor] of this.cursors) {
      const row = cursor.next();
      if (row === undefined) return undefined;
      rows.set(name, row);
    }
    return rows;
  }
}
