import { z } from 'zod';

/**
 * A schema's error for a field that is absent: `required` (zod would say
 * "Invalid input: expected string, received undefined"); any other problem
 * keeps `message`, or zod's own message without one.
 */
export function requiredOr(message?: string): { error: (issue: z.core.$ZodRawIssue) => string | undefined } {
  return { error: (issue) => (issue.input === undefined ? 'required' : message) };
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const HttpMethodSchema = z.enum(HTTP_METHODS, requiredOr(`must be one of ${HTTP_METHODS.join(', ')}`));
export type HttpMethod = z.infer<typeof HttpMethodSchema>;

/** A variable's name: what `${name}` refers to. Feeder columns are `${feeder.column}`. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const variableName = z.string(requiredOr()).regex(VARIABLE_NAME, 'must start with a letter or "_" and hold only letters, digits and "_"');

/** Text that may hold `${variable}` references (see template.ts), resolved per virtual user when the request is sent. */
export const template = z.string(requiredOr()).max(65_536);

/** A step's name: it names the step's windows, summary and thresholds. */
export const stepName = z.string(requiredOr()).trim().min(1, 'must not be empty').max(200);
