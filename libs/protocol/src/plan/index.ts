import { z } from 'zod';
import { requiredOr, template, VARIABLE_NAME } from './common.js';
import { AttachmentSchema, FeederSchema } from './data.js';
import { StepSchema } from './steps.js';
import { VariableValueSchema } from './variables.js';

export * from './common.js';
export * from './body.js';
export * from './extract.js';
export * from './check.js';
export * from './steps.js';
export * from './data.js';
export * from './walk.js';
export * from './variables.js';

export const PLAN_FORMAT_VERSION = 1 as const;

/**
 * A test plan (format v1): variables, a base URL and default headers, data
 * feeders over attachments, and a flow of named steps that each virtual user
 * runs once per iteration. See docs/plan-format.md.
 *
 * The shape only: this is the contract (what a run's assignment carries, what
 * the API answers). Reading a plan as written (legacy forms, YAML) and the
 * checks that need the whole plan (names, references, JSONPaths, feeders'
 * data) are `PlanSchema` and `StoredPlanSchema` in `@loadtest/plan`.
 */
export const PlanObjectSchema = z.object(
  {
    version: z.literal(PLAN_FORMAT_VERSION, { error: 'must be 1' }).default(PLAN_FORMAT_VERSION),
    name: z.string(requiredOr()).trim().min(1, 'must not be empty').max(200),
    baseUrl: z.url({ protocol: /^https?$/, ...requiredOr('must be an http:// or https:// URL') }),
    /** Values every virtual user starts with, as `${name}`; `{ value, secret: true }` for one the API never shows (see variables.ts). */
    variables: z
      .record(z.string().regex(VARIABLE_NAME, 'a variable name must start with a letter or "_" and hold only letters, digits and "_"'), VariableValueSchema)
      .default({}),
    /** Headers of every request; a step's own headers win. */
    headers: z.record(z.string().min(1), template).default({}),
    attachments: z.array(AttachmentSchema).max(50).default([]),
    feeders: z.array(FeederSchema).max(20).default([]),
    steps: z.array(StepSchema, requiredOr('must be a list of steps')).min(1, 'needs at least one step').max(200),
  },
  { error: (issue) => (issue.input === undefined ? 'a plan is required' : 'a plan must be an object') },
);

export type Plan = z.infer<typeof PlanObjectSchema>;
