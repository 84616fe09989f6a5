import { describe, expect, it } from '@jest/globals';
import { lastDueSecond, nextWake } from '../src/ingest/run-clock.js';

const startAt = 10_000;

describe("the simulators' clock of a run", () => {
  it('makes second s due at its end, startAt + (s + 1) s, and no sooner', () => {
    expect(lastDueSecond(startAt - 1, startAt, 60)).toBe(-1);
    expect(lastDueSecond(startAt + 999, startAt, 60)).toBe(-1);
    expect(lastDueSecond(startAt + 1000, startAt, 60)).toBe(0);
    expect(lastDueSecond(startAt + 2999, startAt, 60)).toBe(1);
  });

  it('catches up on every second a late tick missed, but never past the run’s last second', () => {
    expect(lastDueSecond(startAt + 7_400, startAt, 60)).toBe(6);
    expect(lastDueSecond(startAt + 3_600_000, startAt, 5)).toBe(4);
  });

  it('wakes at the start, then at the end of the next second, and not at all once every second is out', () => {
    expect(nextWake(startAt - 500, { startAt, durationSeconds: 5, nextSecond: 0 })).toBe(startAt);
    expect(nextWake(startAt + 10, { startAt, durationSeconds: 5, nextSecond: 0 })).toBe(startAt + 1000);
    expect(nextWake(startAt + 3_100, { startAt, durationSeconds: 5, nextSecond: 3 })).toBe(startAt + 4000);
    expect(nextWake(startAt + 6_000, { startAt, durationSeconds: 5, nextSecond: 5 })).toBeNull();
  });
});
