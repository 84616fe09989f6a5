import type { Preset } from '@loadtest/protocol';
import { PresetSchema } from '@loadtest/protocol';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { evenSegments, expandPreset, modelDuration, plannedVus, presetMinimumDuration, vusShare } from '../src/index.js';

const presetArb: fc.Arbitrary<Preset> = fc
  .record({
    preset: fc.constantFrom('LOAD', 'STRESS', 'SPIKE', 'SOAK' as const),
    vus: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 100_000 })),
    steps: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    baseline: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    slack: fc.nat({ max: 5000 }),
  })
  .map(({ slack, ...p }) => ({ ...p, duration: presetMinimumDuration(p) + slack }));

describe('presets', () => {
  it('LOAD ramps up, holds and ramps down, over exactly the requested time', () => {
    expect(expandPreset({ preset: 'LOAD', vus: 50, duration: 100 }).stages).toEqual([
      { duration: 10, target: 50 },
      { duration: 80, target: 50 },
      { duration: 10, target: 0 },
    ]);
  });

  it('STRESS steps up to its ceiling, never with more steps than VUs', () => {
    const stages = expandPreset({ preset: 'STRESS', vus: 3, duration: 70 }).stages;
    expect(stages.filter((_, i) => i % 2 === 1).map((s) => s.target)).toEqual([1, 2, 3]);
    expect(stages.at(-1)!.target).toBe(0);
  });

  it('SPIKE keeps a baseline of at least one VU, even for tiny VU counts', () => {
    const stages = expandPreset({ preset: 'SPIKE', vus: 4, duration: 170 }).stages;
    expect(stages.map((s) => s.target)).toEqual([1, 1, 4, 4, 1, 1, 0]);
  });

  it('SOAK defaults to four hours', () => {
    const model = expandPreset({ preset: 'SOAK', vus: 1 });
    expect(modelDuration(model)).toBe(4 * 3600);
    expect(plannedVus(model, 3600)).toBe(1);
  });

  it('every preset, for any VU count ≥ 1: exact duration, stages ≥ 1 s, peak = vus, the load never rounds to zero while it should run', () => {
    fc.assert(
      fc.property(presetArb, (preset) => {
        expect(PresetSchema.safeParse(preset).success).toBe(true);
        const model = expandPreset(preset);
        expect(modelDuration(model)).toBe(preset.duration);
        for (const stage of model.stages) expect(stage.duration).toBeGreaterThanOrEqual(1);
        expect(Math.max(...model.stages.map((s) => s.target))).toBe(preset.vus);
        // From the end of the first ramp to the start of the last, some VUs always run.
        const firstRampEnd = model.stages[0]!.duration;
        const lastRampStart = preset.duration! - model.stages.at(-1)!.duration;
        for (let t = firstRampEnd; t < lastRampStart; t += Math.max(1, Math.floor((lastRampStart - firstRampEnd) / 50))) {
          expect(plannedVus(model, t)).toBeGreaterThanOrEqual(1);
        }
        // Split over 3 workers, the shares add up at every sampled second.
        for (let t = 0; t < preset.duration!; t += Math.max(1, Math.floor(preset.duration! / 40))) {
          expect(evenSegments(3).reduce((n, s) => n + vusShare(s, model, t), 0)).toBe(plannedVus(model, t));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a duration shorter than one second per stage', () => {
    expect(() => expandPreset({ preset: 'SPIKE', vus: 10, duration: 6 })).toThrow(/too short for 7 stages/);
    expect(PresetSchema.safeParse({ preset: 'RAMP', vus: 1 }).success).toBe(false);
    expect(PresetSchema.safeParse({ preset: 'LOAD', vus: 0 }).success).toBe(false);
  });
});
