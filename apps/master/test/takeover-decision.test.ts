import { evenSegments } from '@loadtest/execution';
import type { LoadModel, WorkerState } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import type { StoredRunWorker } from '../src/runs/run-repository.js';
import { decideTakeover, segmentText, type TakeoverContext } from '../src/runs/takeover-decision.js';

const scenario = {
  executor: 'constant-arrival-rate',
  name: 'rate',
  rate: 300,
  duration: 20,
  timeUnit: 1,
  maxVUs: 60,
  preAllocatedVUs: 60,
  startTime: 0,
} as LoadModel;
const thirds = evenSegments(3);
const share = (workerId: string, index: number, state: StoredRunWorker['state'] = 'started'): StoredRunWorker => ({
  workerId,
  index,
  connections: 20,
  segment: thirds[index]!,
  state,
  windowsReported: null,
  windowsStored: 0,
  reason: null,
  clockOffsetMs: 0,
});
const START = 1_000_000;

function context(over: Partial<TakeoverContext> = {}, states: Record<string, WorkerState> = {}): TakeoverContext {
  return {
    run: {
      workers: [share('w1', 0), share('w2', 1), share('w3', 2, 'lost')],
      load: { scenarios: [scenario], durationSeconds: 20 } as TakeoverContext['run']['load'],
      startAt: new Date(START),
    },
    lost: { shareId: 'w3', index: 2, connections: 20, segment: thirds[2]! },
    idle: [],
    workerState: (id) => states[id] ?? (id === 'w3' ? 'lost' : 'busy'),
    capacity: () => 100,
    nowMs: START + 5000,
    ...over,
  };
}

describe('decideTakeover', () => {
  it('prefers an idle worker, which takes the lost share whole', () => {
    expect(decideTakeover(context({ idle: ['w4'] }))).toEqual({ kind: 'idle', workerId: 'w4' });
  });

  it('with every worker busy, splits the lost segment among the survivors by their room, as numbered parts', () => {
    const decision = decideTakeover(context({ capacity: (id) => (id === 'w1' ? 80 : 40) }));
    expect(decision.kind).toBe('split');
    if (decision.kind !== 'split') return;
    // Room 60 and 20: three quarters and a quarter of [2/3, 1).
    expect(decision.parts).toEqual([
      { workerId: 'w1', shareId: 'w1~1', part: 1, segment: { from: { num: 2, den: 3 }, to: { num: 11, den: 12 } }, connections: 15 },
      { workerId: 'w2', shareId: 'w2~1', part: 1, segment: { from: { num: 11, den: 12 }, to: { num: 1, den: 1 } }, connections: 5 },
    ]);
    expect(decision.uncovered).toBeNull();
  });

  it('numbers a second part of a worker 2, and counts the connections of its parts as held', () => {
    const run = { ...context().run, workers: [share('w1', 0), { ...share('w1~1', 2), connections: 60 }, share('w2', 1), share('w3', 2, 'lost')] };
    const decision = decideTakeover(context({ run, lost: { shareId: 'w2', index: 1, connections: 20, segment: thirds[1]! } }, { w2: 'lost' }));
    expect(decision).toMatchObject({ kind: 'split', parts: [{ workerId: 'w1', shareId: 'w1~2', part: 2, connections: 20 }], uncovered: null });
  });

  it('leaves out a worker that is missing, and hands on nothing with no room, or too close to the planned end', () => {
    const decision = decideTakeover(context({}, { w2: 'missing' }));
    expect(decision).toMatchObject({ kind: 'split', parts: [{ workerId: 'w1' }] });
    expect(decideTakeover(context({ capacity: () => 20 }))).toEqual({ kind: 'none', why: 'no worker of the run had room to take over' });
    expect(decideTakeover(context({}, { w1: 'lost', w2: 'lost' }))).toEqual({ kind: 'none', why: 'no idle or busy worker could take over' });
    expect(decideTakeover(context({ nowMs: START + 19_500, idle: ['w4'] }))).toEqual({ kind: 'none', why: 'too close to the planned end to hand it on' });
  });
});

describe('segmentText', () => {
  it('writes a segment in lowest terms', () => {
    expect(segmentText({ from: { num: 2, den: 3 }, to: { num: 3, den: 3 } })).toBe('[2/3, 1/1)');
    expect(segmentText({ from: { num: 0, den: 3 }, to: { num: 10, den: 12 } })).toBe('[0/1, 5/6)');
  });
});
