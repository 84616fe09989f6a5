import { z } from 'zod';
import { template } from './common.js';

/**
 * A request body, one of four forms. Strings may hold `${variable}` references
 * (in a JSON body: inside string values).
 */
export const RequestBodySchema = z
  .object({
    /** Sent as JSON, `content-type: application/json` unless the headers say otherwise. */
    json: z.unknown().optional(),
    /** Sent URL-encoded, `content-type: application/x-www-form-urlencoded`. */
    form: z.record(z.string(), template).optional(),
    /** Sent as is; give the content type in the headers. */
    text: template.optional(),
    /** The content of one of the plan's attachments, by name. */
    file: z.string().min(1).optional(),
  })
  .superRefine((body, ctx) => {
    const forms = (['json', 'form', 'text', 'file'] as const).filter((k) => body[k] !== undefined);
    if (forms.length !== 1)
      ctx.addIssue({ code: 'custom', message: `give exactly one of json, form, text or file${forms.length > 1 ? ` (got ${forms.join(', ')})` : ''}` });
  })
  .meta({ id: 'RequestBody' });
export type RequestBody = z.infer<typeof RequestBodySchema>;

/** Whether a body as written is in the v1 form (an object with `json`, `form`, `text` or `file`), not a bare one. */
export function isV1Body(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).some((k) => ['json', 'form', 'text', 'file'].includes(k));
}

/** The bodies of plans written before v1: raw text, or a JSON object or array. */
export function bodyFromLegacy(body: unknown): unknown {
  if (typeof body === 'string') return { text: body };
  if (isV1Body(body)) return body;
  if (body !== null && typeof body === 'object') return { json: body };
  return body;
}
