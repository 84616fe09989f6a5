import { z } from 'zod';

/**
 * One assertion on a response, exactly one of:
 * `status` (in a set), `bodyContains`, `jsonPath` with `equals`, `header` with `matches` (a regex), `latencyBelowMs`.
 * Checks are counted passed/failed in the windows; a failed check never stops the flow unless `stopOnFail`.
 */
export const CheckSchema = z
  .object({
    /** How the check is shown; by default it describes itself. */
    name: z.string().min(1).max(200).optional(),
    status: z.array(z.int().min(100).max(599)).min(1).optional(),
    bodyContains: z.string().min(1).optional(),
    jsonPath: z.string().min(1).optional(),
    equals: z.unknown().optional(),
    header: z.string().min(1).optional(),
    matches: z.string().optional(),
    latencyBelowMs: z.number().positive().optional(),
    /** Ends the virtual user's iteration when the check fails. */
    stopOnFail: z.boolean().default(false),
  })
  .superRefine((check, ctx) => {
    const kinds = (['status', 'bodyContains', 'jsonPath', 'header', 'latencyBelowMs'] as const).filter((k) => check[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of status, bodyContains, jsonPath, header or latencyBelowMs${kinds.length > 1 ? ` (got ${kinds.join(', ')})` : ''}`,
      });
    if (check.jsonPath !== undefined && !('equals' in check)) ctx.addIssue({ code: 'custom', path: ['equals'], message: 'required with jsonPath' });
    if (check.header !== undefined && check.matches === undefined) ctx.addIssue({ code: 'custom', path: ['matches'], message: 'required with header' });
  })
  .meta({ id: 'Check' });
export type Check = z.infer<typeof CheckSchema>;
