import type { Segment } from '@loadtest/execution';
import { feederOnExhausted, type Feeder, type Plan } from '@loadtest/protocol';
import type { Row } from '../scope.js';
import { parseFeederRows } from './parse-rows.js';
import { rowCursor } from './row-cursor.js';
import { connectionRows, segmentRows, type RowRange } from './row-split.js';
import { VuFeeders } from './vu-feeders.js';

interface FeederData {
  feeder: Feeder;
  rows: readonly Row[];
  /** The rows this share's segment owns. */
  range: RowRange;
}

/**
 * A share's feeders: each attachment read once, and each connection of the
 * share (numbered 0..connections−1 over all its scenarios) given its cursors.
 * A unique feeder's rows are split over the workers and engine threads by
 * execution segment (segmentRows), then over the share's connections
 * (connectionRows), so that no row is used twice in the run.
 */
export class ShareFeeders {
  private readonly data: FeederData[];

  constructor(
    plan: Plan,
    segment: Segment,
    private readonly connections: number,
    private readonly random: () => number = Math.random,
  ) {
    this.data = plan.feeders.map((feeder) => {
      const rows = parseFeederRows(feeder, plan.attachments);
      return { feeder, rows, range: segmentRows(segment, rows.length) };
    });
  }

  get empty(): boolean {
    return this.data.length === 0;
  }

  /** The rows per feeder, by name (for diagnostics and tests). */
  rowCount(name: string): number | undefined {
    return this.data.find((d) => d.feeder.name === name)?.rows.length;
  }

  forConnection(connection: number): VuFeeders {
    return new VuFeeders(
      this.data.map(({ feeder, rows, range }) => [
        feeder.name,
        rowCursor({
          mode: feeder.mode,
          onExhausted: feederOnExhausted(feeder),
          rows,
          own: connectionRows(range, connection, this.connections),
          random: this.random,
        }),
      ]),
    );
  }
}
