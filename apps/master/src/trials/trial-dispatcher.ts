import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION, type Plan, type TrialResource, type TrialResultMessage } from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import type { Logger } from 'pino';
import type { WorkerRegistry } from '../workers/registry.js';

export interface TrialDispatcherOptions {
  registry: Pick<WorkerRegistry, 'available'>;
  transport: Pick<MasterTransport, 'sendToWorker'>;
  logger: Logger;
  /**
   * How long past the iteration's own limit the master waits for the answer: the
   * delivery both ways, and the worker's lead before its one arrival (about 1.2 s).
   */
  answerSlackMs: number;
}

export interface TrialRequest {
  plan: Plan;
  timeoutSeconds: number;
  iterationSeconds: number;
}

/** How a trial ended, for the route to answer: the trace, or why there is none. */
export type TrialOutcome =
  | { kind: 'answered'; trial: TrialResource }
  | { kind: 'no-worker' }
  | { kind: 'timed-out'; workerId: string; waitedMs: number }
  | { kind: 'not-sent'; workerId: string; reason: string };

interface PendingTrial {
  workerId: string;
  settle(outcome: TrialOutcome): void;
}

/**
 * Runs "try one iteration": sends one idle worker a trial.assign and waits for
 * its trial.result, which it matches by trial id. Nothing is stored: a trial
 * the master forgets (a restart, a timeout) leaves nothing behind, and a late
 * answer is dropped.
 */
export class TrialDispatcher {
  private readonly pending = new Map<string, PendingTrial>();

  constructor(private readonly o: TrialDispatcherOptions) {}

  async run(request: TrialRequest): Promise<TrialOutcome> {
    const workerId = this.pickWorker();
    if (workerId === undefined) return { kind: 'no-worker' };
    const trialId = randomUUID();
    const waitMs = request.iterationSeconds * 1000 + this.o.answerSlackMs;
    const answered = new Promise<TrialOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ kind: 'timed-out', workerId, waitedMs: waitMs }), waitMs);
      const settle = (outcome: TrialOutcome) => {
        clearTimeout(timer);
        this.pending.delete(trialId);
        resolve(outcome);
      };
      this.pending.set(trialId, { workerId, settle });
    });
    this.o.logger.info({ trialId, workerId, steps: request.plan.steps.length }, 'trial sent');
    try {
      await this.o.transport.sendToWorker({
        v: PROTOCOL_VERSION,
        type: 'trial.assign',
        sentAt: Date.now(),
        trialId,
        workerId,
        plan: request.plan,
        timeoutSeconds: request.timeoutSeconds,
        iterationSeconds: request.iterationSeconds,
      });
    } catch (error) {
      this.pending.get(trialId)?.settle({ kind: 'not-sent', workerId, reason: (error as Error).message });
    }
    return answered;
  }

  /** A worker's trial.result: settles the trial it answers; one the master no longer waits for is dropped. */
  onResult(message: TrialResultMessage): void {
    const trial = this.pending.get(message.trialId);
    if (!trial || trial.workerId !== message.workerId) {
      this.o.logger.info({ trialId: message.trialId, workerId: message.workerId }, 'trial result for no trial waited for; dropped');
      return;
    }
    trial.settle({ kind: 'answered', trial: { trialId: message.trialId, workerId: message.workerId, ...message.trace } });
  }

  /** Ends every wait (the master is closing): each trial answers as not sent. */
  close(): void {
    for (const trial of [...this.pending.values()]) trial.settle({ kind: 'not-sent', workerId: trial.workerId, reason: 'the master is shutting down' });
  }

  /** An idle worker, the one with the fewest trials waited for (trials are spread; any idle worker runs them alike). */
  private pickWorker(): string | undefined {
    const inTrials = new Map<string, number>();
    for (const trial of this.pending.values()) inTrials.set(trial.workerId, (inTrials.get(trial.workerId) ?? 0) + 1);
    let best: string | undefined;
    for (const workerId of this.o.registry.available()) {
      if (best === undefined || (inTrials.get(workerId) ?? 0) < (inTrials.get(best) ?? 0)) best = workerId;
    }
    return best;
  }
}
