import { z } from 'zod';

/** The load of a run: closed model, a fixed number of connections (VUs) for a duration. */
export const RunLoadSchema = z
  .object({
    connections: z.int().min(1).max(100_000),
    durationSeconds: z.int().min(1).max(7 * 24 * 3600),
    /** Per-request timeout; a request that takes longer counts as a `timeout` error. */
    timeoutSeconds: z.int().min(1).max(600).default(10),
  })
  .meta({ id: 'RunLoad' });
export type RunLoad = z.infer<typeof RunLoadSchema>;
