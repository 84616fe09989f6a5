import { LiveAggregator } from '../src/live/live-aggregator.js';
import { PlanRepository } from '../src/plans/plan-repository.js';
import { RunOrchestrator, type OrchestratorOptions } from '../src/runs/orchestrator.js';
import type { RunRepository } from '../src/runs/run-repository.js';
import { WorkerRegistry } from '../src/workers/registry.js';
import { RecordingTransport, silent, type TestDatabase } from './support.js';

/** An orchestrator over `runs` as the tests set one up: no start lead, a 5 s window grace, silent; `overrides` for the rest. */
export function testOrchestrator(db: TestDatabase, runs: RunRepository, overrides: Partial<OrchestratorOptions> = {}): RunOrchestrator {
  return new RunOrchestrator({
    runs,
    plans: new PlanRepository(db.prisma),
    registry: new WorkerRegistry({ missingAfterMs: 60_000, lostAfterMs: 120_000 }),
    transport: new RecordingTransport(),
    live: new LiveAggregator({ emit: () => undefined, graceMs: 1000 }),
    events: { stateChanged: () => undefined },
    logger: silent,
    startLeadMs: 0,
    windowGraceMs: 5000,
    overdueMs: 60_000,
    ...overrides,
  });
}
