import { z } from 'zod';
import { bodyFromLegacy, RequestBodySchema } from './body.js';
import { CheckSchema } from './check.js';
import { HttpMethodSchema, requiredOr, stepName, template, variableName } from './common.js';
import { ExtractSchema } from './extract.js';
import { childFlowFields } from './walk.js';

/**
 * An HTTP request. `url` is a path under the plan's `baseUrl` (`/users/${id}`)
 * or an absolute http(s) URL; `query` and `headers` values, the body's strings
 * and the URL may hold `${variable}` references.
 */
export const HttpStepSchema = z
  .object({
    kind: z.literal('http'),
    name: stepName,
    method: HttpMethodSchema,
    url: template.min(1, 'must not be empty'),
    query: z.record(z.string().min(1), template).default({}),
    headers: z.record(z.string().min(1), template).default({}),
    body: RequestBodySchema.optional(),
    /** Overrides the run's per-request timeout for this step. */
    timeoutSeconds: z.int().min(1).max(600).optional(),
    extract: z.array(ExtractSchema).max(50).default([]),
    checks: z.array(CheckSchema).max(50).default([]),
  })
  .meta({ id: 'HttpStep' });
export type HttpStep = z.infer<typeof HttpStepSchema>;

/** A pause like a person's: `ms`, or uniformly random between `minMs` and `maxMs` (equal bounds are valid). */
export const ThinkStepSchema = z
  .object({
    kind: z.literal('think'),
    name: stepName.optional(),
    ms: z.number().min(0).max(3_600_000).optional(),
    minMs: z.number().min(0).max(3_600_000).optional(),
    maxMs: z.number().min(0).max(3_600_000).optional(),
  })
  .superRefine((think, ctx) => {
    const fixed = think.ms !== undefined;
    const range = think.minMs !== undefined || think.maxMs !== undefined;
    if (fixed === range) ctx.addIssue({ code: 'custom', message: 'give either ms, or minMs and maxMs' });
    if (range && (think.minMs === undefined || think.maxMs === undefined))
      ctx.addIssue({ code: 'custom', path: [think.minMs === undefined ? 'minMs' : 'maxMs'], message: 'required with a range' });
    if (think.minMs !== undefined && think.maxMs !== undefined && think.minMs > think.maxMs)
      ctx.addIssue({ code: 'custom', path: ['maxMs'], message: `must be at least minMs (${think.minMs})` });
  })
  .meta({ id: 'ThinkStep' });
export type ThinkStep = z.infer<typeof ThinkStepSchema>;

export const CONDITION_OPS = ['equals', 'notEquals', 'greaterThan', 'lessThan'] as const;

/**
 * What an `if` tests: the last response's `status`, `latencyMs` or `size` (body bytes), or a `variable`'s value.
 * Numbers compare as numbers; a variable compares as a number when both sides are numeric, else as text.
 */
export const ConditionSchema = z
  .object(
    {
      on: z.enum(['status', 'latencyMs', 'size', 'variable'], requiredOr('must be status, latencyMs, size or variable')),
      variable: variableName.optional(),
      op: z.enum(CONDITION_OPS, requiredOr(`must be one of ${CONDITION_OPS.join(', ')}`)),
      value: z.union([z.number(), z.string()], requiredOr('must be a number or a string')),
    },
    requiredOr('must be an object: { on, op, value }'),
  )
  .superRefine((condition, ctx) => {
    if (condition.on === 'variable' && condition.variable === undefined)
      ctx.addIssue({ code: 'custom', path: ['variable'], message: 'required when on is variable' });
    if (condition.on !== 'variable' && condition.variable !== undefined)
      ctx.addIssue({ code: 'custom', path: ['variable'], message: 'only when on is variable' });
    if (condition.on !== 'variable' && typeof condition.value !== 'number')
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number when on is ${condition.on}` });
  })
  .meta({ id: 'Condition' });
export type Condition = z.infer<typeof ConditionSchema>;

export interface IfStep {
  kind: 'if';
  name?: string | undefined;
  condition: Condition;
  then: Step[];
  else: Step[];
}

export interface GroupStep {
  kind: 'group';
  name?: string | undefined;
  /** How many times the steps run in a row (a bounded loop). */
  repeat: number;
  steps: Step[];
}

export type Step = HttpStep | ThinkStep | IfStep | GroupStep;

/** Most steps a flow may nest, so that a plan stays readable and its checks bounded. */
const MAX_STEPS = 200;

export const IfStepSchema: z.ZodType<IfStep, unknown> = z
  .object({
    kind: z.literal('if'),
    name: stepName.optional(),
    condition: ConditionSchema,
    get then() {
      return z.array(StepSchema).max(MAX_STEPS).default([]);
    },
    get else() {
      return z.array(StepSchema).max(MAX_STEPS).default([]);
    },
  })
  .meta({ id: 'IfStep' }) as unknown as z.ZodType<IfStep, unknown>;

export const GroupStepSchema: z.ZodType<GroupStep, unknown> = z
  .object({
    kind: z.literal('group'),
    name: stepName.optional(),
    repeat: z.int().min(1).max(10_000).default(1),
    get steps() {
      return z.array(StepSchema, requiredOr('must be a list of steps')).min(1, 'needs at least one step').max(MAX_STEPS);
    },
  })
  .meta({ id: 'GroupStep' }) as unknown as z.ZodType<GroupStep, unknown>;

/** Infers `kind` when a step does not say it, from the keys only one kind has. */
function withKind(step: unknown): unknown {
  if (step === null || typeof step !== 'object' || Array.isArray(step) || 'kind' in step) return step;
  const keys = new Set(Object.keys(step));
  const kind =
    keys.has('method') || keys.has('url') || keys.has('path')
      ? 'http'
      : keys.has('condition') || keys.has('then') || keys.has('else')
        ? 'if'
        : keys.has('steps') || keys.has('repeat')
          ? 'group'
          : keys.has('ms') || keys.has('minMs') || keys.has('maxMs')
            ? 'think'
            : undefined;
  return kind ? { kind, ...step } : step;
}

/** Plans written before v1 named an HTTP step's URL `path` and took a bare body. */
function fromLegacyHttp(step: unknown): unknown {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) return step;
  const s = step as Record<string, unknown>;
  if (s.kind !== 'http') return step;
  const { path, body, ...rest } = s;
  return { ...rest, ...(path !== undefined && rest.url === undefined ? { url: path } : {}), ...(body !== undefined ? { body: bodyFromLegacy(body) } : {}) };
}

/**
 * A flow as written, made ready for {@link StepSchema}: each step's `kind`
 * inferred when it does not say it, and HTTP steps written before v1 (`path`,
 * a bare body) read as v1, down through `then`, `else` and groups' `steps`.
 * `PlanSchema` does this before it validates; the step schemas themselves are
 * plain (so that a parsed plan can be encoded, e.g. in API responses).
 */
export function stepsFromInput(steps: unknown): unknown {
  if (!Array.isArray(steps)) return steps;
  return steps.map((input) => {
    const step = fromLegacyHttp(withKind(input));
    if (step === null || typeof step !== 'object' || Array.isArray(step)) return step;
    const s = step as Record<string, unknown>;
    const fields = childFlowFields(s.kind).filter((field) => field in s);
    return fields.length === 0 ? s : { ...s, ...Object.fromEntries(fields.map((field) => [field, stepsFromInput(s[field])])) };
  });
}

const STEP_KINDS = 'http, think, if or group';

export const StepSchema: z.ZodType<Step, unknown> = z.discriminatedUnion(
  'kind',
  [HttpStepSchema, ThinkStepSchema, IfStepSchema as never, GroupStepSchema as never],
  {
    error: (issue) => {
      const input: unknown = issue.input;
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return `must be a step: an object whose kind is ${STEP_KINDS}`;
      if (!('kind' in input) || input.kind === undefined)
        return `required: ${STEP_KINDS} (or give method and url, ms or minMs and maxMs, condition, or steps, and the kind is inferred)`;
      return `must be ${STEP_KINDS}`;
    },
  },
) as unknown as z.ZodType<Step, unknown>;
