import { describe, expect, it } from '@jest/globals';
import { constantLoad, fieldIssues, LoadRequestSchema, StoredLoadSchema } from '../src/index.js';

const pathsOf = (input: unknown): string[] => {
  const result = LoadRequestSchema.safeParse(input);
  return result.success
    ? []
    : fieldIssues(result.error)
        .map((i) => i.path)
        .sort();
};

describe('LoadRequestSchema', () => {
  it('takes connections and duration, with a default timeout', () => {
    expect(LoadRequestSchema.parse({ connections: 100, durationSeconds: 30 })).toEqual({
      connections: 100,
      durationSeconds: 30,
      timeoutSeconds: 10,
      onWorkerLoss: 'rebalance',
    });
  });

  it('refuses zero connections and fractional durations, naming the fields', () => {
    expect(pathsOf({ connections: 0, durationSeconds: 1.5 })).toEqual(['connections', 'durationSeconds']);
  });

  it('needs one form or the other, not both and not neither', () => {
    expect(pathsOf({})).toEqual(['connections', 'durationSeconds']);
    expect(pathsOf({ connections: 5, scenarios: [{ executor: 'constant-vus', vus: 1, duration: 1 }] })).toEqual(['scenarios']);
  });

  it('takes several scenarios of every kind, presets included, with defaults filled in', () => {
    const load = LoadRequestSchema.parse({
      scenarios: [
        { name: 'browse', executor: 'ramping-vus', stages: [{ duration: 10, target: 20 }] },
        { name: 'buy', executor: 'constant-arrival-rate', rate: 50, duration: 10, maxVUs: 20, startTime: 5 },
        { name: 'peak', executor: 'preset', preset: 'SPIKE', vus: 3 },
      ],
    });
    expect(load.scenarios?.map((s) => [s.name, s.executor, s.startTime])).toEqual([
      ['browse', 'ramping-vus', 0],
      ['buy', 'constant-arrival-rate', 5],
      ['peak', 'preset', 0],
    ]);
  });

  it('names the field of a bad scenario, and an unknown executor', () => {
    expect(pathsOf({ scenarios: [{ executor: 'ramping-arrival-rate', stages: [{ duration: 5, target: 10 }] }] })).toEqual(['scenarios[0].maxVUs']);
    expect(pathsOf({ scenarios: [{ executor: 'warp-drive' }] })).toEqual(['scenarios[0].executor']);
    expect(pathsOf({ scenarios: [{ executor: 'preset', preset: 'HEAVY', vus: 10 }] })).toEqual(['scenarios[0].preset']);
  });

  it('refuses two scenarios with one name', () => {
    const result = LoadRequestSchema.safeParse({
      scenarios: [
        { name: 'a', executor: 'constant-vus', vus: 1, duration: 1 },
        { name: 'a', executor: 'constant-vus', vus: 1, duration: 1 },
      ],
    });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(fieldIssues(result.error)).toEqual([{ path: 'scenarios[1].name', message: 'duplicate scenario name "a" (also used by scenarios[0])' }]);
  });
});

describe('StoredLoadSchema', () => {
  it('reads a load stored before scenarios as one constant-vus scenario', () => {
    expect(StoredLoadSchema.parse({ connections: 7, durationSeconds: 4, timeoutSeconds: 3 })).toEqual(constantLoad(7, 4, 3));
  });

  it('reads a current load as it is', () => {
    const load = constantLoad(2, 9);
    expect(StoredLoadSchema.parse(load)).toEqual(load);
  });
});

describe('onWorkerLoss', () => {
  it('defaults to rebalance and takes abort or continue, naming the field otherwise', () => {
    expect(LoadRequestSchema.parse({ connections: 1, durationSeconds: 1 }).onWorkerLoss).toBe('rebalance');
    expect(LoadRequestSchema.parse({ connections: 1, durationSeconds: 1, onWorkerLoss: 'abort' }).onWorkerLoss).toBe('abort');
    expect(pathsOf({ connections: 1, durationSeconds: 1, onWorkerLoss: 'retry' })).toEqual(['onWorkerLoss']);
  });
});
