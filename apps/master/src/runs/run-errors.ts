import type { FieldIssue } from '@loadtest/protocol';

/**
 * What the run domain refuses, each with the context a caller needs. They say nothing of HTTP:
 * `http/domain-errors.ts` gives each its status, so that a CLI or a scheduler can call the
 * orchestrator and read the same reasons.
 */
export abstract class RunDomainError extends Error {
  abstract readonly kind: 'not-found' | 'conflict' | 'invalid' | 'unavailable';
}

export class PlanNotFound extends RunDomainError {
  readonly kind = 'not-found';
  constructor(readonly planId: string) {
    super(`plan ${planId} not found`);
    this.name = 'PlanNotFound';
  }
}

export class RunNotFound extends RunDomainError {
  readonly kind = 'not-found';
  constructor(readonly runId: string) {
    super(`run ${runId} not found`);
    this.name = 'RunNotFound';
  }
}

/** The run is in a state that refuses what was asked (e.g. stopping a run that has ended). */
export class RunConflict extends RunDomainError {
  readonly kind = 'conflict';
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunConflict';
  }
}

export class NoWorkersAvailable extends RunDomainError {
  readonly kind = 'conflict';
  constructor(
    readonly planId: string,
    readonly counts: { online: number; busy: number; missing: number; lost: number },
  ) {
    super(
      `no live worker is available to run plan ${planId} (workers known: ${counts.online} online, ${counts.busy} busy, ${counts.missing} missing, ${counts.lost} lost); start a worker or wait for the current run to end`,
    );
    this.name = 'NoWorkersAvailable';
  }
}

/** The run needs more connections at once than the workers it could use hold together. */
export class InsufficientCapacity extends RunDomainError {
  readonly kind = 'conflict';
  constructor(
    readonly needed: number,
    message: string,
  ) {
    super(message);
    this.name = 'InsufficientCapacity';
  }
}

/** A run request that cannot be run as written (its load, its thresholds), each offending field named. */
export class InvalidRunRequest extends RunDomainError {
  readonly kind = 'invalid';
  constructor(
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'InvalidRunRequest';
  }
}

/** The master is shutting down and takes no new run. */
export class MasterDraining extends RunDomainError {
  readonly kind = 'unavailable';
  constructor() {
    super('the master is shutting down and accepts no new run; start it on the next master');
    this.name = 'MasterDraining';
  }
}
