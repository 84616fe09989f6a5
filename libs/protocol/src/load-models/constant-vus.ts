import { z } from 'zod';
import { gracefulStop, scenarioName, seconds, startTime } from './common.js';

/** Closed model: a fixed number of VUs (connections), each sending its next request when the last one is answered. */
export const ConstantVusSchema = z
  .object({
    name: scenarioName.default('default'),
    executor: z.literal('constant-vus'),
    vus: z.int().min(1).max(100_000),
    duration: seconds,
    startTime,
    gracefulStop,
  })
  .meta({ id: 'ConstantVus' });
export type ConstantVus = z.infer<typeof ConstantVusSchema>;
