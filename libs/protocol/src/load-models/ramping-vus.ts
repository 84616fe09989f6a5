import { z } from 'zod';
import { gracefulStop, scenarioName, stagesList, startTime } from './common.js';
import { PresetSchema } from './preset.js';

/** Closed model: the VUs move linearly from one stage's target to the next. */
export const RampingVusSchema = z
  .object({
    name: scenarioName.default('default'),
    executor: z.literal('ramping-vus'),
    startVUs: z.int().min(0).max(100_000).default(0),
    stages: stagesList,
    startTime,
    gracefulStop,
    /** Set when the stages were expanded from a preset: the preset as it was asked for. */
    preset: PresetSchema.optional(),
  })
  .meta({ id: 'RampingVus' });
export type RampingVus = z.infer<typeof RampingVusSchema>;
