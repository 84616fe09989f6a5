import type { Segment } from '@loadtest/execution';
import { ENDED_RUN_STATES, parseShareId, PROTOCOL_VERSION, type OnWorkerLoss } from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import type { LiveAggregator } from '../live/live-aggregator.js';
import type { WorkerRegistry } from '../workers/registry.js';
import type { StoredRun } from './run-repository.js';
import type { RunStore } from './run-store.js';
import type { RunSupervisor } from './run-supervisor.js';
import { decideTakeover, segmentText, type LostShare } from './takeover-decision.js';

/** How a worker went away mid-run: `lost` (silent past WORKER_LOST_AFTER_MS) or `left` (it shut down and said so). */
export type LossKind = 'lost' | 'left';

export interface WorkerLossPolicyOptions {
  runs: RunStore;
  registry: Pick<WorkerRegistry, 'available' | 'workerState' | 'capabilitiesOf' | 'clockOffset' | 'markBusy' | 'markIdle'>;
  transport: Pick<MasterTransport, 'sendToWorker'>;
  live: Pick<LiveAggregator, 'setWorkers'>;
  logger: Logger;
  now: () => number;
}

/** What happened to the share, as its reason starts: `lost at second 12`, `left (shut down) at second 12`. */
export function lossText(how: LossKind, second: number): string {
  return how === 'lost' ? `lost at second ${second}` : `left (shut down) at second ${second}`;
}

/** The run's error under `onWorkerLoss: abort`. */
export function lossAbortReason(shareId: string, how: LossKind, second: number): string {
  return `aborted: worker ${shareId} ${how === 'lost' ? 'was ' : ''}${lossText(how, second)} (onWorkerLoss: abort)`;
}

/** The lost share's reason once the policy is applied: what became of its segment. */
export function lossOutcome(policy: OnWorkerLoss, how: LossKind, second: number, handedOn?: { taken?: string; why?: string }): string {
  const what = lossText(how, second);
  if (policy === 'abort') return `${what}; the run was aborted`;
  if (handedOn?.taken) return `${what}; ${handedOn.taken}`;
  return `${what}; the run went on with less load (${policy === 'continue' ? 'onWorkerLoss: continue' : (handedOn?.why ?? 'no idle worker could take over')})`;
}

/**
 * A share ended before its run did, its worker gone: the run's `onWorkerLoss` policy decides
 * what becomes of it. `rebalance` sends the same assignment (scenarios, segment, start instant)
 * to an idle worker, which starts at once and keys its windows by the run's seconds as any late
 * starter does; with no idle worker, the run's busy workers split the segment by their spare
 * capacity and each runs its part beside its own share (decideTakeover); with no room anywhere
 * the run goes on without it. `abort` stops the run, which ends failed with the reason.
 * `continue` runs on with less load. The share's reason records what happened and when.
 */
export class WorkerLossPolicy {
  /** Takeovers one at a time, so that two losses at once do not give the same room or part number twice. */
  private takeovers: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: WorkerLossPolicyOptions) {}

  /** Applies the run's policy to the share; a `left` share already has its state and windows. */
  async apply(run: StoredRun, share: LostShare, how: LossKind, supervisor: RunSupervisor): Promise<void> {
    const second = run.startAt ? Math.max(0, Math.floor((this.o.now() - run.startAt.getTime()) / 1000)) : 0;
    const policy = run.load.onWorkerLoss;
    const workerId = share.shareId;
    this.o.registry.markIdle(parseShareId(workerId).workerId, run.id);
    this.o.logger.warn({ runId: run.id, workerId, second, policy, how }, how === 'lost' ? 'worker lost mid-run' : 'worker left mid-run');
    let handedOn: { taken?: string; why?: string } | undefined;
    if (policy === 'abort') await supervisor.abort(run, lossAbortReason(workerId, how, second));
    else if (policy === 'rebalance') handedOn = await this.serialTakeover(() => this.takeOver(run.id, share, second));
    const outcome = lossOutcome(policy, how, second, handedOn);
    if (how === 'lost') await this.o.runs.setWorkerState(run.id, workerId, 'lost', { reason: outcome });
    else await this.o.runs.setShareReason(run.id, workerId, outcome);
    // The live stream's seconds are complete with a window from each share still running, the takers' included.
    this.o.live.setWorkers(run.id, await this.o.runs.openShareCount(run.id));
    await supervisor.finalize();
  }

  private serialTakeover<T>(take: () => Promise<T>): Promise<T> {
    const result = this.takeovers.then(take);
    this.takeovers = result.catch(() => undefined);
    return result;
  }

  /**
   * Hands a lost share on (decideTakeover): whole to an idle worker, or in parts to the run's busy workers.
   * Says what was done, for the lost share's reason, or why nothing was.
   */
  private async takeOver(runId: string, lost: LostShare, second: number): Promise<{ taken?: string; why?: string }> {
    // Read again: a takeover just before this one may have added shares.
    const run = await this.o.runs.get(runId);
    if (!run || !run.startAt || ENDED_RUN_STATES.includes(run.state)) return { why: 'the run had ended' };
    const decision = decideTakeover({
      run,
      lost,
      idle: this.o.registry.available(),
      workerState: (id) => this.o.registry.workerState(id),
      capacity: (id) => this.o.registry.capabilitiesOf(id)?.maxConnections ?? null,
      nowMs: this.o.now(),
    });
    const lostId = lost.shareId;
    if (decision.kind === 'none') return { why: decision.why };
    if (decision.kind === 'idle') {
      const taker = decision.workerId;
      const sent = await this.assignTakeover(run, {
        shareId: taker,
        workerId: taker,
        index: lost.index,
        connections: lost.connections,
        segment: lost.segment!,
        reason: `took over ${lostId}'s segment at second ${second}`,
      });
      if (!sent) return { why: 'the takeover assignment could not be delivered' };
      this.o.logger.info({ runId, lost: lostId, taker, second }, 'lost share taken over');
      return { taken: `its segment was taken over by ${taker}` };
    }
    const whole = segmentText(lost.segment!);
    const sent: string[] = [];
    for (const [i, part] of decision.parts.entries()) {
      const reason = `took ${segmentText(part.segment)} of ${lostId}'s segment ${whole} (part ${i + 1} of ${decision.parts.length}) at second ${second}`;
      if (await this.assignTakeover(run, { ...part, index: lost.index, reason })) sent.push(`${part.shareId} took ${segmentText(part.segment)}`);
    }
    this.o.logger.info(
      {
        runId,
        lost: lostId,
        second,
        parts: decision.parts.map((p) => ({ share: p.shareId, connections: p.connections, segment: segmentText(p.segment) })),
        uncovered: decision.uncovered && segmentText(decision.uncovered),
      },
      'lost share split among busy workers',
    );
    if (sent.length === 0) return { why: 'the takeover assignments could not be delivered' };
    const short = decision.uncovered ? `; ${segmentText(decision.uncovered)} went without (no room left)` : '';
    return { taken: `its segment ${whole} was split among the run's busy workers: ${sent.join(', ')}${short}` };
  }

  /** Stores a takeover share and sends its assignment; false (the share failed) when it cannot be delivered. */
  private async assignTakeover(
    run: StoredRun,
    share: { shareId: string; workerId: string; part?: number; index: number; connections: number; segment: Segment; reason: string },
  ): Promise<boolean> {
    const offset = this.o.registry.clockOffset(share.workerId) ?? null;
    await this.o.runs.addTakeover(run.id, {
      workerId: share.shareId,
      index: share.index,
      connections: share.connections,
      segment: share.segment,
      clockOffsetMs: offset,
      reason: share.reason,
    });
    this.o.registry.markBusy(share.workerId, run.id);
    try {
      await this.o.transport.sendToWorker({
        v: PROTOCOL_VERSION,
        type: 'run.assign',
        sentAt: this.o.now(),
        runId: run.id,
        workerId: share.workerId,
        plan: run.plan,
        scenarios: run.load.scenarios,
        durationSeconds: run.load.durationSeconds,
        timeoutSeconds: run.load.timeoutSeconds,
        share: { index: share.index, count: run.workers.length, connections: share.connections },
        segment: share.segment,
        startAt: run.startAt!.getTime() + Math.round(offset ?? 0),
        ...(share.part === undefined ? {} : { part: share.part }),
      });
      return true;
    } catch (error) {
      this.o.logger.error({ err: error, runId: run.id, share: share.shareId }, 'cannot send the takeover assignment');
      if (share.part === undefined) this.o.registry.markIdle(share.workerId, run.id);
      await this.o.runs.setWorkerState(run.id, share.shareId, 'failed', {
        windowsReported: 0,
        reason: `takeover assignment not delivered: ${(error as Error).message}`,
      });
      return false;
    }
  }
}
