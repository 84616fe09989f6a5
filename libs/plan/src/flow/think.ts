import type { ThinkStep } from '@loadtest/protocol';

/** A think step's pause in whole ms: `ms`, or uniformly random in [minMs, maxMs] (equal bounds give that value). */
export function thinkMs(step: Pick<ThinkStep, 'ms' | 'minMs' | 'maxMs'>, random: () => number = Math.random): number {
  if (step.ms !== undefined) return Math.round(step.ms);
  const min = step.minMs ?? 0;
  const max = step.maxMs ?? min;
  return Math.round(min + random() * (max - min));
}
