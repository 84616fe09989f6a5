import type { Stage } from '@loadtest/protocol';

/** Total length of stages, in seconds. */
export function stagesDuration(stages: readonly Stage[]): number {
  return stages.reduce((sum, stage) => sum + stage.duration, 0);
}

/** The linearly interpolated value at `t` seconds, moving from `start` through each stage's target. */
export function stageValue(start: number, stages: readonly Stage[], t: number): number {
  let from = start;
  let elapsed = 0;
  for (const stage of stages) {
    if (t < elapsed + stage.duration) return from + ((stage.target - from) * (t - elapsed)) / stage.duration;
    elapsed += stage.duration;
    from = stage.target;
  }
  return from;
}

/** ∫₀ᵗ of the piecewise linear value above (e.g. cumulative arrivals from a rate). */
export function stageIntegral(start: number, stages: readonly Stage[], t: number): number {
  let from = start;
  let elapsed = 0;
  let area = 0;
  for (const stage of stages) {
    const span = Math.min(Math.max(t - elapsed, 0), stage.duration);
    if (span <= 0) break;
    const endValue = from + ((stage.target - from) * span) / stage.duration;
    area += ((from + endValue) / 2) * span;
    elapsed += stage.duration;
    from = stage.target;
  }
  return area;
}
