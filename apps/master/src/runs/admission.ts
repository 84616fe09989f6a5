import { LoadPlanError, resolveLoad, segmentConnections, type Segment } from '@loadtest/execution';
import type { ScopedThreshold } from '@loadtest/metrics';
import type { LoadRequest, Plan, Role, RunLoad, StartRunBody, ThresholdSpec } from '@loadtest/protocol';
import { planOf, type PlanRepository } from '../plans/plan-repository.js';
import type { WorkerRegistry } from '../workers/registry.js';
import { InvalidRunRequest, MasterDraining, NoWorkersAvailable, PlanNotFound } from './run-errors.js';
import { checkRunCaps, type RunCaps, type RunCapsFor } from './run-caps.js';
import { parseThresholdSpecs } from './thresholds.js';
import { assignWorkers } from './worker-assignment.js';

/** A run accepted to start: what is stored and sent to each of its workers. */
export interface AdmittedRun {
  planId: string;
  plan: Plan;
  load: RunLoad;
  /** As requested, stored with the run. */
  thresholdSpecs: ThresholdSpec[];
  thresholds: ScopedThreshold[];
  /** The common start instant, in the master's clock. */
  startAt: Date;
  workers: { workerId: string; index: number; connections: number; segment: Segment; clockOffsetMs: number | null }[];
}

/** The registry as admission reads it. */
export type AdmissionRegistry = Pick<WorkerRegistry, 'available' | 'summaryCounts' | 'capabilitiesOf' | 'clockOffset'>;

export interface AdmissionOptions {
  plans: Pick<PlanRepository, 'get'>;
  registry: AdmissionRegistry;
  /** Time between assigning a run and its common start instant, so that every worker receives its share first. */
  startLeadMs: number;
  /** Added to the lead per assigned worker: assigning a thousand workers takes a while. */
  startLeadPerWorkerMs?: number;
  /** The caps of a run's peak load and duration (run-caps.ts); none when absent. */
  capsFor?: RunCapsFor;
  now: () => number;
}

/**
 * Decides whether a run may start and how it is shared: the plan exists, the load and
 * thresholds can be run, live workers can hold it. Refuses with a domain error naming why;
 * once draining (shutdown) it refuses every run.
 */
export class RunAdmission {
  private draining = false;

  constructor(private readonly o: AdmissionOptions) {}

  /** Refuses new runs from now on. */
  drain(): void {
    this.draining = true;
  }

  /** `role`: the caller's, whose caps apply (none given: the caps of the most trusted role). */
  async admit(planId: string, body: StartRunBody, role?: Role): Promise<AdmittedRun> {
    if (this.draining) throw new MasterDraining();
    const stored = await this.o.plans.get(planId);
    if (!stored) throw new PlanNotFound(planId);
    return shareRun(planId, planOf(stored), body, {
      registry: this.o.registry,
      nowMs: this.o.now(),
      startLeadMs: this.o.startLeadMs,
      startLeadPerWorkerMs: this.o.startLeadPerWorkerMs ?? 0,
      caps: this.o.capsFor?.({ planId, role }),
    });
  }
}

/**
 * The checks and the sharing of a run over the available workers, from the registry as it is now:
 * each worker's segment, connections and clock offset, and the start instant (the lead grows
 * with the number of workers).
 */
export function shareRun(
  planId: string,
  plan: Plan,
  body: StartRunBody,
  at: { registry: AdmissionRegistry; nowMs: number; startLeadMs: number; startLeadPerWorkerMs: number; caps?: RunCaps | undefined },
): AdmittedRun {
  const { thresholds: thresholdSpecs, ...request } = body;
  const load = runnableLoad(request);
  if (at.caps) checkRunCaps(load, request, at.caps);
  const thresholds = parseThresholdSpecs(thresholdSpecs, plan);
  const available = at.registry.available();
  if (available.length === 0) throw new NoWorkersAvailable(planId, at.registry.summaryCounts());
  const { workerIds, segments } = assignWorkers(load, available, (id) => at.registry.capabilitiesOf(id)?.maxConnections ?? null);
  const startAt = new Date(at.nowMs + at.startLeadMs + at.startLeadPerWorkerMs * workerIds.length);
  const workers = workerIds.map((workerId, index) => {
    const segment = segments[index]!;
    return {
      workerId,
      index,
      connections: load.scenarios.reduce((sum, scenario) => sum + segmentConnections(segment, scenario), 0),
      segment,
      clockOffsetMs: at.registry.clockOffset(workerId) ?? null,
    };
  });
  return { planId, plan, load, thresholdSpecs, thresholds, startAt, workers };
}

/** The load as it is run and stored, presets expanded; a load that cannot run names its fields. */
function runnableLoad(request: LoadRequest): RunLoad {
  try {
    return resolveLoad(request);
  } catch (error) {
    if (error instanceof LoadPlanError) throw new InvalidRunRequest('the load cannot be run', error.issues);
    throw error;
  }
}
