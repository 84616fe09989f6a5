import { z } from 'zod';
import { gracefulStop, maxVUs, scenarioName, stagesList, startTime } from './common.js';

/** Open model: the arrival rate moves linearly from one stage's target (iterations per second) to the next. */
export const RampingArrivalRateSchema = z
  .object({
    name: scenarioName.default('default'),
    executor: z.literal('ramping-arrival-rate'),
    startRate: z.number().min(0).max(10_000_000).default(0),
    stages: stagesList,
    maxVUs,
    startTime,
    gracefulStop,
  })
  .meta({ id: 'RampingArrivalRate' });
export type RampingArrivalRate = z.infer<typeof RampingArrivalRateSchema>;
