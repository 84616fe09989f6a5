import { z } from 'zod';
import { envelope, RunIdSchema, WorkerIdSchema } from './envelope.js';
import { SharePartSchema } from './share-part.js';

/**
 * One second of one worker's measurements. `(runId, workerId, part, seq)` identifies it,
 * so a redelivered window is recognised and ignored. The measurements travel as
 * the compact binary encoding of libs/metrics (`encodeWindow`), base64 in JSON;
 * the receiver decodes, and so validates, them.
 */
export const RunWindowSchema = z.object({
  ...envelope,
  type: z.literal('run.window'),
  runId: RunIdSchema,
  workerId: WorkerIdSchema,
  /** 0, 1, 2, … per worker and run, without gaps. */
  seq: z.int().min(0),
  /** Whole seconds since the run's start instant; repeated from the encoded window for routing and logs. */
  second: z.int().min(0),
  /** The encoded window, base64. */
  data: z.base64().min(4, 'must hold an encoded window'),
  /** The part of the run this window measures, when it is not the worker's own share; seq counts per part. */
  part: SharePartSchema.optional(),
});
export type RunWindow = z.infer<typeof RunWindowSchema>;
