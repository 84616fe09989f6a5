import type { LoadRequest, Segment } from '@loadtest/protocol';
import { LoadRequestSchema } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_GRACEFUL_STOP_SECONDS,
  drainEndSeconds,
  evenSegments,
  gracefulStopSeconds,
  LoadPlanError,
  plannedVus,
  resolveLoad,
  segmentConnections,
  segmentShare,
  usableWorkers,
  vusShare,
} from '../src/index.js';

const request = (input: unknown): LoadRequest => LoadRequestSchema.parse(input);

describe('resolveLoad', () => {
  it('turns connections and durationSeconds into one constant-vus scenario', () => {
    expect(resolveLoad(request({ connections: 5, durationSeconds: 7 }))).toEqual({
      scenarios: [{ name: 'default', executor: 'constant-vus', vus: 5, duration: 7, startTime: 0, gracefulStop: 10 }],
      durationSeconds: 7,
      timeoutSeconds: 10,
      reportEvery: '1s',
      onWorkerLoss: 'rebalance',
    });
  });

  it('expands presets, keeps what was asked beside the stages, and ends the run with its last scenario', () => {
    const load = resolveLoad(
      request({
        scenarios: [
          { name: 'base', executor: 'constant-vus', vus: 2, duration: 10 },
          { name: 'late', executor: 'preset', preset: 'LOAD', vus: 20, duration: 30, startTime: 15 },
        ],
      }),
    );
    expect(load.durationSeconds).toBe(45);
    expect(load.scenarios[1]).toEqual({
      name: 'late',
      executor: 'ramping-vus',
      startVUs: 0,
      startTime: 15,
      stages: [
        { duration: 3, target: 20 },
        { duration: 24, target: 20 },
        { duration: 3, target: 0 },
      ],
      preset: { preset: 'LOAD', vus: 20, duration: 30 },
      gracefulStop: 10,
    });
    expect(plannedVus(load.scenarios[1]!, 15 + 3)).toBe(20);
  });

  it("states each scenario's gracefulStop (10 s unless given), and the run's last instant with it", () => {
    const load = resolveLoad(
      request({
        scenarios: [
          { name: 'a', executor: 'constant-vus', vus: 2, duration: 10, gracefulStop: 0 },
          { name: 'b', executor: 'constant-arrival-rate', rate: 5, duration: 5, maxVUs: 3, startTime: 2 },
          { name: 'c', executor: 'preset', preset: 'LOAD', vus: 4, duration: 10, gracefulStop: 30 },
        ],
      }),
    );
    expect(load.scenarios.map((s) => s.gracefulStop)).toEqual([0, 10, 30]);
    expect(drainEndSeconds(load)).toBe(40);
    expect(gracefulStopSeconds({ name: 'old', executor: 'constant-vus', vus: 1, duration: 1, startTime: 0 })).toBe(DEFAULT_GRACEFUL_STOP_SECONDS);
    expect(resolveLoad(request({ connections: 1, durationSeconds: 3, gracefulStop: 2 })).scenarios[0]!.gracefulStop).toBe(2);
  });

  it('refuses a gracefulStop out of bounds, or beside scenarios at the top level, naming the field', () => {
    const paths = (input: unknown) => LoadRequestSchema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(paths({ connections: 1, durationSeconds: 3, gracefulStop: -1 })).toEqual([['gracefulStop', 'must be at least 0 seconds']]);
    expect(paths({ scenarios: [{ executor: 'constant-vus', vus: 1, duration: 1, gracefulStop: 601 }] })).toEqual([
      ['scenarios.0.gracefulStop', 'must be at most 600 seconds'],
    ]);
    expect(paths({ scenarios: [{ executor: 'constant-vus', vus: 1, duration: 1, gracefulStop: 1.5 }] })).toEqual([
      ['scenarios.0.gracefulStop', 'must be a whole number of seconds'],
    ]);
    expect(paths({ scenarios: [{ executor: 'constant-vus', vus: 1, duration: 1 }], gracefulStop: 1 })?.[0]?.[0]).toBe('gracefulStop');
  });

  it('reports a SOAK by the minute and gives it its own default length (4 h)', () => {
    const load = resolveLoad(request({ scenarios: [{ executor: 'preset', preset: 'SOAK', vus: 1 }] }));
    expect(load.reportEvery).toBe('1m');
    expect(load.durationSeconds).toBe(4 * 3600);
  });

  it('refuses what would silently send nothing, or cannot fit, naming the field', () => {
    const issuesOf = (input: unknown) => {
      try {
        resolveLoad(request(input));
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(LoadPlanError);
        return (error as LoadPlanError).issues;
      }
    };
    expect(issuesOf({ scenarios: [{ executor: 'ramping-arrival-rate', stages: [{ duration: 5, target: 0 }], maxVUs: 5 }] })).toEqual([
      { path: 'scenarios[0].stages', message: 'every target is 0: the scenario would send nothing' },
    ]);
    expect(issuesOf({ scenarios: [{ executor: 'preset', preset: 'SPIKE', vus: 1, duration: 6 }] })).toEqual([
      { path: 'scenarios[0].duration', message: 'SPIKE with these settings needs at least 7 s (one per stage), got 6' },
    ]);
  });
});

describe('connections per segment', () => {
  it('is the most VUs the segment ever runs, even where the exact split is not monotonic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 300 }), (workers, peak) => {
        const model = { name: 's', executor: 'ramping-vus' as const, startVUs: 0, stages: [{ duration: 10, target: peak }], startTime: 0 };
        for (const segment of evenSegments(workers)) {
          let most = 0;
          for (let vus = 0; vus <= peak; vus++) most = Math.max(most, segmentShare(segment, vus));
          expect(segmentConnections(segment, model)).toBe(most);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("is the segment's share of maxVUs for an open model", () => {
    const segment: Segment = { from: { num: 1, den: 3 }, to: { num: 2, den: 3 } };
    expect(segmentConnections(segment, { name: 's', executor: 'constant-arrival-rate', rate: 10, duration: 1, maxVUs: 100, startTime: 0 })).toBe(33);
  });

  it('uses no more workers than the smallest scenario has connections, so none gets zero', () => {
    const load = resolveLoad(
      request({
        scenarios: [
          { executor: 'constant-vus', vus: 50, duration: 1 },
          { name: 'b', executor: 'constant-arrival-rate', rate: 5, duration: 1, maxVUs: 3 },
        ],
      }),
    );
    expect(usableWorkers(load, 10)).toBe(3);
    for (const segment of evenSegments(3)) for (const scenario of load.scenarios) expect(segmentConnections(segment, scenario)).toBeGreaterThan(0);
  });

  it('100 VUs over 3 workers is 34/33/33 at every moment of a ramp that reaches 100', () => {
    const model = {
      name: 's',
      executor: 'ramping-vus' as const,
      startVUs: 0,
      stages: [
        { duration: 10, target: 100 },
        { duration: 10, target: 100 },
      ],
      startTime: 0,
    };
    for (let t = 10; t < 20; t += 0.1) expect(evenSegments(3).map((s) => vusShare(s, model, t))).toEqual([34, 33, 33]);
  });
});
