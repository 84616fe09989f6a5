import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const HttpMethodSchema = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof HttpMethodSchema>;

/** A body is raw text, or a JSON value that is sent as `application/json`. */
export const RequestBodySchema = z.union([
  z.string(),
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);
export type RequestBody = z.infer<typeof RequestBodySchema>;

export const HttpRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    method: HttpMethodSchema,
    path: z
      .string()
      .max(4096)
      .refine((p) => p.startsWith('/'), 'must start with "/"'),
    headers: z.record(z.string().min(1), z.string()).default({}),
    body: RequestBodySchema.optional(),
  })
  .meta({ id: 'HttpRequest' });
export type HttpRequest = z.infer<typeof HttpRequestSchema>;

export const PlanSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    requests: z.array(HttpRequestSchema).min(1, 'needs at least one request').max(100),
  })
  .superRefine((plan, ctx) => {
    const seen = new Map<string, number>();
    plan.requests.forEach((request, index) => {
      const first = seen.get(request.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', index, 'name'],
          message: `duplicate request name "${request.name}" (also used by requests[${first}])`,
        });
      } else {
        seen.set(request.name, index);
      }
    });
  })
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof PlanSchema>;
