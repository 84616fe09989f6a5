import { z } from 'zod';
import { gracefulStop, maxVUs, scenarioName, seconds, startTime } from './common.js';

/**
 * Open model: iterations start at a fixed rate whatever the target's latency,
 * with at most `maxVUs` connections busy; an iteration that finds none free is dropped.
 */
export const ConstantArrivalRateSchema = z
  .object({
    name: scenarioName.default('default'),
    executor: z.literal('constant-arrival-rate'),
    /** Iterations (passes through the plan's requests) started per second. */
    rate: z.number().positive().max(10_000_000),
    duration: seconds,
    maxVUs,
    startTime,
    gracefulStop,
  })
  .meta({ id: 'ConstantArrivalRate' });
export type ConstantArrivalRate = z.infer<typeof ConstantArrivalRateSchema>;
