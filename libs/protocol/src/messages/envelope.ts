import { z } from 'zod';
import { PROTOCOL_VERSION } from '../version.js';

/** Fields every broker message carries. */
export const envelope = {
  v: z.literal(PROTOCOL_VERSION, { error: `unsupported protocol version (expected ${PROTOCOL_VERSION})` }),
  /** Sender's wall clock, epoch milliseconds. */
  sentAt: z.number().int().min(0),
};

export const WorkerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may hold only letters, digits and . _ : -');

export const RunIdSchema = z.string().uuid();
