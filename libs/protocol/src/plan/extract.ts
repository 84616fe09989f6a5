import { z } from 'zod';
import { variableName } from './common.js';

/**
 * Takes one value from a response into a variable of the virtual user:
 * exactly one of `jsonPath`, `regex` (with `group`, default 1, or 0 for the whole match), `header` or `status`.
 */
export const ExtractSchema = z
  .object({
    var: variableName,
    jsonPath: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    group: z.int().min(0).max(99).optional(),
    header: z.string().min(1).optional(),
    status: z.literal(true).optional(),
    /** The value when nothing matches; without it, a miss leaves the variable unset and counts as a failed check of the step. */
    default: z.string().optional(),
  })
  .superRefine((extract, ctx) => {
    const sources = (['jsonPath', 'regex', 'header', 'status'] as const).filter((k) => extract[k] !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of jsonPath, regex, header or status${sources.length > 1 ? ` (got ${sources.join(', ')})` : ''}`,
      });
    if (extract.group !== undefined && extract.regex === undefined) ctx.addIssue({ code: 'custom', path: ['group'], message: 'only with regex' });
  })
  .meta({ id: 'Extract' });
export type Extract = z.infer<typeof ExtractSchema>;
