import { addWindow, emptyMerged, type MergedWindows, type Window } from '@loadtest/metrics';
import { ENDED_RUN_STATES } from '@loadtest/protocol';
import type { ReceivedWindow, RunRepository, RunStoreListener } from '../runs/run-repository.js';

/**
 * The seqs of one share's windows already counted. Seqs run 0, 1, 2… per share, so all but the few that arrived
 * ahead of a missing one are below `next`: memory stays small however long the run.
 */
class SeenSeqs {
  private next = 0;
  private readonly ahead = new Set<number>();

  /** Marks the seq seen; false if it already was. */
  add(seq: number): boolean {
    if (seq < this.next || this.ahead.has(seq)) return false;
    if (seq !== this.next) {
      this.ahead.add(seq);
      return true;
    }
    this.next += 1;
    while (this.ahead.delete(this.next)) this.next += 1;
    return true;
  }
}

interface Totals {
  merged: MergedWindows;
  seen: Map<string, SeenSeqs>;
  /** Resolves once the windows stored before the run was followed are counted (at once for a run created here). */
  ready: Promise<void>;
}

/**
 * Each active run's windows stored so far, merged: what `GET /runs/:id` summarises while the run is live, instead
 * of re-reading every stored window at each call. It is the same merge the stored windows give (the same windows,
 * each once, added exactly), kept up to date from the repository's commits:
 * - a run created by this master is followed from its creation, when nothing of it is stored;
 * - a run this master did not create (taken up after a restart) is followed from its first read: the windows stored
 *   until then are read once, and any stored meanwhile are counted once (a share's seqs say which are in);
 * - a run is forgotten when it ends: its stored summary answers from then on.
 */
export class ActiveRunTotals implements RunStoreListener {
  private readonly followed = new Map<string, Totals>();

  constructor(private readonly repository: RunRepository) {
    repository.listen(this);
  }

  created(runId: string): void {
    if (!this.followed.has(runId)) this.followed.set(runId, { merged: emptyMerged(), seen: new Map(), ready: Promise.resolve() });
  }

  windowsStored(rows: readonly ReceivedWindow[]): void {
    for (const { window, measured } of rows) {
      const totals = this.followed.get(window.runId);
      if (totals) count(totals, window.workerId, window.seq, measured);
    }
  }

  ended(runId: string): void {
    this.followed.delete(runId);
  }

  /** Runs followed now (for tests and the memory checks: ended runs must not stay). */
  get size(): number {
    return this.followed.size;
  }

  /**
   * The run's stored windows merged, as `RunRepository.mergeStored(runId)` would give them. Only for a run that
   * has not ended; the answer is the live totals themselves, to be read at once and never modified.
   */
  async mergeStored(runId: string): Promise<MergedWindows> {
    let totals = this.followed.get(runId);
    if (!totals) {
      const followed: Totals = { merged: emptyMerged(), seen: new Map(), ready: Promise.resolve() };
      // Followed before the stored windows are read: one committed meanwhile is either read or told, and counted once.
      this.followed.set(runId, followed);
      followed.ready = this.repository
        .forEachWindow(runId, {}, (window) => count(followed, window.workerId, window.seq, window))
        .then(async () => {
          // Ended while being read: its `ended` may have come before it was followed; it must not stay.
          const state = await this.repository.state(runId);
          if (state === null || ENDED_RUN_STATES.includes(state)) this.forget(runId, followed);
        });
      followed.ready.catch(() => this.forget(runId, followed));
      totals = followed;
    }
    await totals.ready;
    return totals.merged;
  }

  private forget(runId: string, totals: Totals): void {
    if (this.followed.get(runId) === totals) this.followed.delete(runId);
  }
}

function count(totals: Totals, shareId: string, seq: number, window: Window): void {
  let seen = totals.seen.get(shareId);
  if (!seen) totals.seen.set(shareId, (seen = new SeenSeqs()));
  if (seen.add(seq)) addWindow(totals.merged, window);
}
