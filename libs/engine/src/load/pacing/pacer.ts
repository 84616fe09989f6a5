/** One connection of the generator, as a pacer sees it. */
export interface Connection {
  /** Its position among the generator's connections, from 0. */
  readonly slot: number;
  /** True while it waits for the pacer to start its next iteration. */
  readonly waiting: boolean;
  /**
   * Starts its next iteration now. `dueAt` (performance.now() ms) is when the
   * iteration was due; the first request's latency counts from it.
   * False when the connection was not waiting or is closed.
   */
  startIteration(dueAt?: number): boolean;
}

/** Decides when each connection starts its next iteration. */
export interface Pacer {
  /** The connection has ended an iteration (or connected). True starts the next one at once; false leaves it waiting. */
  ready(connection: Connection): boolean;
}
