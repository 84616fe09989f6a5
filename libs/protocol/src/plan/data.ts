import { z } from 'zod';
import { requiredOr, variableName } from './common.js';

/** A file carried by the plan: a data set for a feeder, or a request body. Text, or base64 for binary content. */
export const AttachmentSchema = z
  .object({
    name: z.string(requiredOr()).trim().min(1, 'must not be empty').max(200),
    contentType: z.string().min(1).max(200).optional(),
    text: z.string().optional(),
    base64: z.base64({ error: 'must be base64' }).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.text === undefined) === (a.base64 === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of text or base64' });
  })
  .meta({ id: 'Attachment' });
export type Attachment = z.infer<typeof AttachmentSchema>;

export const FEEDER_MODES = ['sequential', 'random', 'unique'] as const;

/**
 * Rows of a CSV (first line: the column names) or JSON (an array of objects)
 * attachment, one per iteration of a virtual user, as `${feeder.column}`.
 * - `sequential`: each VU walks the rows in order from its own offset;
 * - `random`: any row each time;
 * - `unique`: rows are split across workers (by execution segment) and connections, so no row is used twice in the run.
 * `onExhausted` applies when a VU has no row left: `stop` the VU, or `recycle` from the start of its rows.
 */
export const FeederSchema = z
  .object({
    name: variableName,
    /** The attachment that holds the rows, by name. */
    attachment: z.string(requiredOr()).min(1, 'must not be empty'),
    /** By default, from the attachment's name: `.csv` or `.json`. */
    format: z.enum(['csv', 'json'], { error: 'must be csv or json' }).optional(),
    mode: z.enum(FEEDER_MODES, { error: 'must be sequential, random or unique' }).default('sequential'),
    onExhausted: z.enum(['stop', 'recycle'], { error: 'must be stop or recycle' }).optional(),
  })
  .meta({ id: 'Feeder' });
export type Feeder = z.infer<typeof FeederSchema>;

/** What a feeder does when rows run out, by default: a `unique` feeder never repeats a row, the others go round. */
export function feederOnExhausted(feeder: Feeder): 'stop' | 'recycle' {
  return feeder.onExhausted ?? (feeder.mode === 'unique' ? 'stop' : 'recycle');
}
