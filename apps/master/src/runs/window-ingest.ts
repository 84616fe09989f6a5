import { decodeWindow } from '@loadtest/metrics';
import { ENDED_RUN_STATES, shareId, type RunWindow } from '@loadtest/protocol';
import type { Logger } from 'pino';
import type { LiveAggregator } from '../live/live-aggregator.js';
import { LateWindows } from './late-windows.js';
import { RecentRunIds } from './recent-run-ids.js';
import type { ReceivedWindow } from './run-repository.js';
import type { RunStore } from './run-store.js';
import { WindowWriter } from './window-writer.js';

export type DecodedWindow = { ok: true; received: ReceivedWindow } | { ok: false; reason: string };

/**
 * A window message as stored: a part's windows under its share id (`<workerId>~<part>`, beside
 * those of the worker's own share), its data decoded and checked against the second it claims.
 */
export function decodeRunWindow(message: RunWindow): DecodedWindow {
  const window = message.part === undefined ? message : { ...message, workerId: shareId(message.workerId, message.part) };
  try {
    const bytes = Buffer.from(window.data, 'base64');
    const measured = decodeWindow(bytes);
    if (measured.second !== window.second) return { ok: false, reason: `message says second ${window.second}, data says ${measured.second}` };
    return { ok: true, received: { window, bytes, measured } };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export interface WindowIngestOptions {
  runs: Pick<RunStore, 'state' | 'insertWindows' | 'get' | 'mergeStored' | 'updateEndedResult'>;
  live: Pick<LiveAggregator, 'addWindow'>;
  logger: Logger;
  /** Whether the run is supervised (active) on this master. */
  isActive(runId: string): boolean;
  /** How long after a window for an ended run its recorded result is re-merged (one re-merge per burst). */
  lateWindowDelayMs?: number;
  /** How many recently ended run ids are remembered (see RecentRunIds). */
  recentlyEndedRuns?: number;
}

/**
 * Every window a worker sends: stored (in batches, a duplicate ignored) before the broker may
 * forget it; streamed live while its run is active; folded into the recorded result of a run
 * that has ended; dropped, and said so, when invalid or of a run that does not exist.
 */
export class WindowIngest {
  private readonly writer: WindowWriter;
  private readonly lateWindows: LateWindows;
  private readonly recentlyEnded: RecentRunIds;

  constructor(private readonly o: WindowIngestOptions) {
    this.writer = new WindowWriter(o.runs);
    this.lateWindows = new LateWindows(o.runs, o.logger, o.lateWindowDelayMs);
    this.recentlyEnded = new RecentRunIds(o.recentlyEndedRuns);
  }

  /** Resolves once the window is stored (or dropped), so the transport may acknowledge it. */
  async ingest(message: RunWindow): Promise<void> {
    const decoded = decodeRunWindow(message);
    if (!decoded.ok) {
      this.o.logger.warn({ runId: message.runId, workerId: message.workerId, seq: message.seq, reason: decoded.reason }, 'rejected invalid message');
      return;
    }
    const { window, measured } = decoded.received;
    const ended = await this.hasEnded(window.runId);
    if (ended === null) {
      this.o.logger.warn({ runId: window.runId, workerId: window.workerId, seq: window.seq }, 'window for an unknown run dropped');
      return;
    }
    // Stored (a duplicate is ignored by storage) before the broker is told it may forget it.
    await this.writer.write(decoded.received);
    if (ended || this.recentlyEnded.has(window.runId)) {
      this.o.logger.debug({ runId: window.runId, workerId: window.workerId, seq: window.seq }, 'window for an ended run stored');
      this.lateWindows.stored(window.runId);
      return;
    }
    // The live stream keeps one window per worker and second, so a duplicate is ignored there too.
    this.o.live.addWindow({ ...measured, runId: window.runId, workerId: window.workerId });
  }

  /** A run ended on this master: its later windows change its recorded result. */
  runEnded(runId: string): void {
    this.recentlyEnded.add(runId);
  }

  /** What the ingest holds per run: bounded, and empty of re-merges once late bursts are folded in. */
  footprint(): { recentlyEndedRuns: number; lateRemerges: number } {
    return { recentlyEndedRuns: this.recentlyEnded.size, lateRemerges: this.lateWindows.pendingRuns() };
  }

  close(): void {
    this.lateWindows.close();
  }

  /** false for a run in progress, true for one that has ended, null for one that does not exist. */
  private async hasEnded(runId: string): Promise<boolean | null> {
    if (this.o.isActive(runId)) return false;
    if (this.recentlyEnded.has(runId)) return true;
    const state = await this.o.runs.state(runId);
    if (state === null) return null;
    const ended = ENDED_RUN_STATES.includes(state);
    if (ended) this.recentlyEnded.add(runId);
    return ended;
  }
}
