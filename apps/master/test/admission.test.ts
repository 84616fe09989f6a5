import { PROTOCOL_VERSION, StartRunBodySchema, type PlanResource, type StartRunBody } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { describe, expect, it } from '@jest/globals';
import { RunAdmission } from '../src/runs/admission.js';
import { InsufficientCapacity, InvalidRunRequest, MasterDraining, NoWorkersAvailable, PlanNotFound } from '../src/runs/run-errors.js';
import { WorkerRegistry } from '../src/workers/registry.js';

const plan: PlanResource = {
  id: 'plan-1',
  ...PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }),
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const body = (fields: Partial<StartRunBody> = {}): StartRunBody => ({
  connections: 10,
  durationSeconds: 1,
  timeoutSeconds: 5,
  thresholds: [],
  onWorkerLoss: 'rebalance',
  ...fields,
});

/** An admission over a registry that has heard from `workers` (id → declared connections). */
function admissionWith(workers: Record<string, number>, nowMs = 1_000_000) {
  const registry = new WorkerRegistry({ missingAfterMs: 60_000, lostAfterMs: 120_000 });
  for (const [workerId, maxConnections] of Object.entries(workers)) {
    registry.onHello({
      v: PROTOCOL_VERSION,
      type: 'worker.hello',
      sentAt: Date.now(),
      workerId,
      host: 'h',
      version: '1',
      capabilities: { cores: 2, memoryBytes: 1024, maxConnections },
    });
  }
  return new RunAdmission({
    plans: { get: async (id) => (id === plan.id ? plan : null) },
    registry,
    startLeadMs: 500,
    startLeadPerWorkerMs: 10,
    now: () => nowMs,
  });
}

const refusal = (admit: Promise<unknown>) =>
  admit.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('RunAdmission', () => {
  it('shares a run over the available workers by capacity, starting after the lead for that many workers', async () => {
    const admitted = await admissionWith({ a: 100, b: 300 }).admit(plan.id, body({ connections: 8 }));
    expect(admitted.workers.map((w) => [w.workerId, w.index, w.connections])).toEqual([
      ['a', 0, 2],
      ['b', 1, 6],
    ]);
    expect(admitted.startAt.getTime()).toBe(1_000_000 + 500 + 2 * 10);
    expect(admitted.plan.name).toBe('p');
  });

  it('refuses, with a domain error naming why: unknown plan, unrunnable load, bad threshold, no worker, too little room', async () => {
    expect(await refusal(admissionWith({ a: 10 }).admit('nope', body()))).toEqual(new PlanNotFound('nope'));
    // Valid as a body, but a ramp whose every target is 0 would send nothing.
    const scenarios = StartRunBodySchema.parse({ scenarios: [{ name: 'a', executor: 'ramping-vus', startVUs: 0, stages: [{ duration: 1, target: 0 }] }] });
    const badLoad = await refusal(admissionWith({ a: 10 }).admit(plan.id, scenarios));
    expect(badLoad).toBeInstanceOf(InvalidRunRequest);
    expect((badLoad as InvalidRunRequest).issues).toEqual([{ path: 'scenarios[0].stages', message: 'every target is 0: the scenario would send nothing' }]);
    const badThreshold = await refusal(
      admissionWith({ a: 10 }).admit(plan.id, body({ thresholds: [{ expression: 'p(95) < 1s', step: 'other', abortOnFail: false, abortGraceSeconds: 0 }] })),
    );
    expect((badThreshold as InvalidRunRequest).issues).toEqual([{ path: 'thresholds[0].step', message: 'unknown step "other" (the plan\'s steps: r)' }]);
    const none = await refusal(admissionWith({}).admit(plan.id, body()));
    expect(none).toBeInstanceOf(NoWorkersAvailable);
    expect((none as NoWorkersAvailable).counts).toEqual({ online: 0, busy: 0, missing: 0, lost: 0 });
    expect(await refusal(admissionWith({ a: 5 }).admit(plan.id, body({ connections: 6 })))).toBeInstanceOf(InsufficientCapacity);
  });

  it('refuses every run once draining, before anything else', async () => {
    const admission = admissionWith({ a: 10 });
    admission.drain();
    expect(await refusal(admission.admit('nope', body()))).toBeInstanceOf(MasterDraining);
  });
});
