import { z } from 'zod';
import { MAX_SECONDS } from './common.js';

/**
 * Presets: named shapes that expand into ramping-vus stages, stored as such.
 * Each is valid for any VU count ≥ 1; durations are seconds (SOAK defaults to 4 h).
 */
export const PRESET_NAMES = ['LOAD', 'STRESS', 'SPIKE', 'SOAK'] as const;
export const PresetSchema = z
  .object({
    preset: z.enum(PRESET_NAMES, { error: 'must be LOAD, STRESS, SPIKE or SOAK' }),
    /** The peak VUs. */
    vus: z.int().min(1).max(100_000),
    /** Total length in seconds; each preset has its own default. */
    duration: z.int().min(1).max(MAX_SECONDS).optional(),
    /** STRESS: how many steps up to `vus` (at most `vus`). */
    steps: z.int().min(1).max(50).optional(),
    /** SPIKE: the baseline before and after the spike, as a fraction of `vus` (at least 1 VU). */
    baseline: z.number().min(0).max(1).optional(),
  })
  .meta({ id: 'Preset' });
export type Preset = z.infer<typeof PresetSchema>;
