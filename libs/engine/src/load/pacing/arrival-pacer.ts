import type { Connection, Pacer } from './pacer.js';

/**
 * Open model: connections wait until an arrival is due, then one of them
 * starts the iteration. An arrival that finds every connection of the budget
 * busy is not queued (that would delay it and hide the target's slowness): it
 * is dropped, and counted as such.
 */
export class ArrivalPacer implements Pacer {
  private readonly idle: Connection[] = [];

  ready(connection: Connection): boolean {
    this.idle.push(connection);
    return false;
  }

  /** Starts one iteration due at `dueAt` (performance.now() ms); false when no connection was free. */
  dispatch(dueAt: number): boolean {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (connection.startIteration(dueAt)) return true;
    }
    return false;
  }

  get idleConnections(): number {
    return this.idle.length;
  }
}
