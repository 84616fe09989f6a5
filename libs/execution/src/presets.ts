import type { Preset, RampingVus, Stage } from '@loadtest/protocol';

export const PRESET_DEFAULT_DURATION: Record<Preset['preset'], number> = { LOAD: 300, STRESS: 600, SPIKE: 300, SOAK: 4 * 3600 };

/**
 * Splits `total` seconds into parts proportional to `weights`, each at least 1 s,
 * adding up to `total` exactly; the remainder goes to the part marked `rest`.
 */
function apportion(total: number, weights: readonly number[], rest: number): number[] {
  const extra = total - weights.length;
  if (extra < 0) throw new RangeError(`${total} s is too short for ${weights.length} stages of at least 1 s`);
  const sum = weights.reduce((a, b) => a + b, 0);
  // One second each first, then the rest in proportion; what rounding leaves goes to `rest`.
  const parts = weights.map((w) => 1 + Math.floor((extra * w) / sum));
  parts[rest] = parts[rest]! + (total - parts.reduce((a, b) => a + b, 0));
  return parts;
}

/** The shortest duration a preset can have: one second per stage. */
export function presetMinimumDuration(preset: Pick<Preset, 'preset' | 'vus' | 'steps'>): number {
  if (preset.preset === 'STRESS') return 2 * Math.min(preset.steps ?? 5, preset.vus) + 1;
  return preset.preset === 'SPIKE' ? 7 : 3;
}

function load(vus: number, duration: number): Stage[] {
  const [up, hold, down] = apportion(duration, [1, 8, 1], 1);
  return [
    { duration: up!, target: vus },
    { duration: hold!, target: vus },
    { duration: down!, target: 0 },
  ];
}

function soak(vus: number, duration: number): Stage[] {
  const [up, hold, down] = apportion(duration, [1, 38, 1], 1);
  return [
    { duration: up!, target: vus },
    { duration: hold!, target: vus },
    { duration: down!, target: 0 },
  ];
}

function stress(vus: number, duration: number, requestedSteps?: number): Stage[] {
  // Never more steps than VUs, so that each step adds at least one VU.
  const steps = Math.min(requestedSteps ?? 5, vus);
  // Each step: a ramp (1) and a hold (2); then a ramp down (1).
  const weights = [...Array.from({ length: steps }, () => [1, 2]).flat(), 1];
  const parts = apportion(duration, weights, weights.length - 2);
  const stages: Stage[] = [];
  for (let i = 1; i <= steps; i++) {
    const target = Math.ceil((vus * i) / steps);
    stages.push({ duration: parts[2 * (i - 1)]!, target }, { duration: parts[2 * (i - 1) + 1]!, target });
  }
  stages.push({ duration: parts.at(-1)!, target: 0 });
  return stages;
}

function spike(vus: number, duration: number, baselineFraction = 0.1): Stage[] {
  // The baseline is at least 1 VU: a spike from nothing is a different test.
  const baseline = Math.min(vus, Math.max(1, Math.round(vus * baselineFraction)));
  const [warm, hold, rise, peak, fall, recover, down] = apportion(duration, [1, 6, 0.5, 2, 0.5, 6, 1], 5);
  return [
    { duration: warm!, target: baseline },
    { duration: hold!, target: baseline },
    { duration: rise!, target: vus },
    { duration: peak!, target: vus },
    { duration: fall!, target: baseline },
    { duration: recover!, target: baseline },
    { duration: down!, target: 0 },
  ];
}

/** Expands a preset into the ramping-vus model that is run and stored. */
export function expandPreset(preset: Preset): RampingVus {
  const duration = preset.duration ?? PRESET_DEFAULT_DURATION[preset.preset];
  const stages =
    preset.preset === 'LOAD'
      ? load(preset.vus, duration)
      : preset.preset === 'SOAK'
        ? soak(preset.vus, duration)
        : preset.preset === 'STRESS'
          ? stress(preset.vus, duration, preset.steps)
          : spike(preset.vus, duration, preset.baseline);
  return { name: 'default', executor: 'ramping-vus', startVUs: 0, stages, startTime: 0, preset: { ...preset, duration } };
}
