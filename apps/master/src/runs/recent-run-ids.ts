/**
 * The ids of the runs that ended most recently, at most `capacity` of them: a window for one
 * of them is a late window without a database look-up. An id pushed out is looked up again if
 * a window for it ever comes, so the bound changes the cost of a very late window, not its fate.
 */
export class RecentRunIds {
  // A Set iterates in insertion order: its first id is the oldest.
  private readonly ids = new Set<string>();

  constructor(readonly capacity = 1024) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  add(id: string): void {
    // Re-adding makes it the newest.
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
