import { z } from 'zod';

/**
 * Load models (k6's executors are the reference). A run may hold several
 * scenarios, each with its own model and start offset. Durations are seconds.
 */
const seconds = z.int().min(1).max(7 * 24 * 3600);
const startTime = z.int().min(0).max(7 * 24 * 3600).default(0);

export const StageSchema = z.object({ duration: seconds, target: z.int().min(0).max(1_000_000) });
export type Stage = z.infer<typeof StageSchema>;

/** Closed model: a fixed number of VUs (connections) for a duration. */
export const ConstantVusSchema = z.object({
  executor: z.literal('constant-vus'),
  vus: z.int().min(1).max(100_000),
  duration: seconds,
  startTime,
});

/** Closed model: VUs move linearly from one stage's target to the next. */
export const RampingVusSchema = z.object({
  executor: z.literal('ramping-vus'),
  startVUs: z.int().min(0).max(100_000).default(0),
  stages: z.array(StageSchema).min(1, 'needs at least one stage').max(100),
  startTime,
});

/** Open model: requests start at a fixed rate whatever the target's latency, with at most `maxVUs` in flight. */
export const ConstantArrivalRateSchema = z.object({
  executor: z.literal('constant-arrival-rate'),
  /** Requests per second. */
  rate: z.number().positive().max(10_000_000),
  duration: seconds,
  maxVUs: z.int().min(1).max(100_000),
  startTime,
});

/** Open model: the arrival rate moves linearly from one stage's target (requests per second) to the next. */
export const RampingArrivalRateSchema = z.object({
  executor: z.literal('ramping-arrival-rate'),
  startRate: z.number().min(0).max(10_000_000).default(0),
  stages: z.array(StageSchema).min(1, 'needs at least one stage').max(100),
  maxVUs: z.int().min(1).max(100_000),
  startTime,
});

export const LoadModelSchema = z.discriminatedUnion('executor', [ConstantVusSchema, RampingVusSchema, ConstantArrivalRateSchema, RampingArrivalRateSchema]);
export type LoadModel = z.infer<typeof LoadModelSchema>;
export type ConstantVus = z.infer<typeof ConstantVusSchema>;
export type RampingVus = z.infer<typeof RampingVusSchema>;
export type ConstantArrivalRate = z.infer<typeof ConstantArrivalRateSchema>;
export type RampingArrivalRate = z.infer<typeof RampingArrivalRateSchema>;

/** An execution segment: the fraction [from, to) of the whole run that one worker runs, as exact fractions. */
export const SegmentSchema = z
  .object({
    from: z.object({ num: z.int().min(0), den: z.int().min(1) }),
    to: z.object({ num: z.int().min(0), den: z.int().min(1) }),
  })
  .refine((s) => s.from.num * s.to.den <= s.to.num * s.from.den, { message: 'from must not be after to', path: ['to'] })
  .refine((s) => s.to.num <= s.to.den, { message: 'to must be at most 1', path: ['to'] });
export type Segment = z.infer<typeof SegmentSchema>;

/**
 * Presets: named shapes that expand into ramping-vus stages, stored as such.
 * Each is valid for any VU count ≥ 1; durations are seconds (SOAK defaults to 4 h).
 */
export const PRESET_NAMES = ['LOAD', 'STRESS', 'SPIKE', 'SOAK'] as const;
export const PresetSchema = z.object({
  preset: z.enum(PRESET_NAMES, { error: 'must be LOAD, STRESS, SPIKE or SOAK' }),
  /** The peak VUs. */
  vus: z.int().min(1).max(100_000),
  /** Total length in seconds; each preset has its own default. */
  duration: z.int().min(1).max(7 * 24 * 3600).optional(),
  /** STRESS: how many steps up to `vus` (at most `vus`). */
  steps: z.int().min(1).max(50).optional(),
  /** SPIKE: the baseline before and after the spike, as a fraction of `vus` (at least 1 VU). */
  baseline: z.number().min(0).max(1).optional(),
});
export type Preset = z.infer<typeof PresetSchema>;
