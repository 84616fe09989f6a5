import type { Connection, Pacer } from './pacer.js';

/**
 * Closed model: connection `slot` is a VU while `slot < active`. A VU starts
 * its next iteration as soon as its last one ends; when the VU count drops,
 * the VUs above it finish their current iteration and wait (k6's graceful
 * ramp-down), and when it rises, waiting connections start at once.
 */
export class VuPacer implements Pacer {
  private active = 0;
  private readonly waiting = new Map<number, Connection>();

  get vus(): number {
    return this.active;
  }

  ready(connection: Connection): boolean {
    if (connection.slot < this.active) return true;
    this.waiting.set(connection.slot, connection);
    return false;
  }

  setVus(vus: number): void {
    const before = this.active;
    this.active = vus;
    for (let slot = before; slot < vus; slot++) {
      const connection = this.waiting.get(slot);
      if (!connection) continue;
      this.waiting.delete(slot);
      connection.startIteration();
    }
  }
}
