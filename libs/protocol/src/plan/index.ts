import { z } from 'zod';
import { requiredOr, template, VARIABLE_NAME } from './common.js';
import { isV1Body } from './body.js';
import { AttachmentSchema, FeederSchema } from './data.js';
import { StepSchema, stepsFromInput } from './steps.js';
import { planProblems } from './validate.js';

export * from './common.js';
export * from './body.js';
export * from './extract.js';
export * from './check.js';
export * from './steps.js';
export * from './data.js';
export * from './walk.js';
export * from './template.js';
export * from './feeder-data.js';
export { jsonPathProblem, planProblems, regexProblem, type PlanPath, type PlanProblem } from './validate.js';

export const PLAN_FORMAT_VERSION = 1 as const;

/**
 * A test plan (format v1): variables, a base URL and default headers, data
 * feeders over attachments, and a flow of named steps that each virtual user
 * runs once per iteration. See docs/plan-format.md.
 */
export const PlanObjectSchema = z.object(
  {
    version: z.literal(PLAN_FORMAT_VERSION, { error: 'must be 1' }).default(PLAN_FORMAT_VERSION),
    name: z.string(requiredOr()).trim().min(1, 'must not be empty').max(200),
    baseUrl: z.url({ protocol: /^https?$/, ...requiredOr('must be an http:// or https:// URL') }),
    /** Values every virtual user starts with, as `${name}`. */
    variables: z
      .record(z.string().regex(VARIABLE_NAME, 'a variable name must start with a letter or "_" and hold only letters, digits and "_"'), z.union([z.string(), z.number(), z.boolean()]))
      .default({}),
    /** Headers of every request; a step's own headers win. */
    headers: z.record(z.string().min(1), template).default({}),
    attachments: z.array(AttachmentSchema).max(50).default([]),
    feeders: z.array(FeederSchema).max(20).default([]),
    steps: z.array(StepSchema, requiredOr('must be a list of steps')).min(1, 'needs at least one step').max(200),
  },
  { error: (issue) => (issue.input === undefined ? 'a plan is required' : 'a plan must be an object') },
);

/** The plan object with every check that needs the whole plan (see validate.ts), run even when some fields are invalid, so that all problems are told at once. */
const ValidatedPlanSchema = PlanObjectSchema.superRefine(
  (plan, ctx) => {
    for (const problem of planProblems(plan)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  },
  { when: (payload) => payload.value !== null && typeof payload.value === 'object' && !Array.isArray(payload.value) },
);

type Legacy = Record<string, unknown> & { requests: unknown };

/** Plans written before v1 held `requests`, a plain sequence of HTTP requests (`path`, a bare body), and no `steps`. */
function isLegacyPlan(plan: unknown): plan is Legacy {
  return plan !== null && typeof plan === 'object' && !Array.isArray(plan) && 'requests' in plan && !('steps' in plan);
}

function fromLegacyPlan(plan: Legacy): unknown {
  const { requests, ...rest } = plan;
  return { ...rest, steps: stepsFromInput(Array.isArray(requests) ? requests.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? { kind: 'http', ...r } : r)) : requests) };
}

/** A v1 plan as written, made ready for the schema: steps' kinds inferred (see {@link stepsFromInput}). */
function fromInput(plan: unknown): unknown {
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan) || !('steps' in plan)) return plan;
  return { ...plan, steps: stepsFromInput(plan.steps) };
}

const isObject = (value: unknown): value is Record<PropertyKey, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The path of an issue in the plan as its author wrote it, when the plan was
 * rewritten before validation: `steps[2].url` → `requests[2].path` in a legacy
 * plan, `….body.text` → `….body` for a bare body.
 */
function writtenPath(input: unknown, path: readonly PropertyKey[], legacy: boolean): PropertyKey[] {
  const out: PropertyKey[] = [];
  let node: unknown = input;
  let inStep = false;
  for (let i = 0; i < path.length; i++) {
    let key = path[i]!;
    if (i === 0 && legacy && key === 'steps') key = 'requests';
    else if (inStep && isObject(node) && key === 'url' && !('url' in node) && 'path' in node) key = 'path';
    else if (inStep && isObject(node) && key === 'body' && 'body' in node && !isV1Body(node.body) && (path[i + 1] === 'json' || path[i + 1] === 'text')) {
      out.push(key);
      node = node.body;
      inStep = false;
      i++;
      continue;
    }
    out.push(key);
    inStep = typeof key === 'number' && ['steps', 'requests', 'then', 'else'].includes(String(out.at(-2)));
    node = isObject(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return out;
}

/**
 * A plan of format v1, or written before it (`requests`, read as v1 HTTP
 * steps). Steps' kinds are inferred, and HTTP steps written before v1 (`path`,
 * a bare body) read as v1, before validation; problems are named by the
 * fields the author wrote (`requests[0].path`, `steps[1].body`).
 */
export const PlanSchema = z
  .preprocess((input, ctx) => {
    if (!isObject(input)) return input;
    const legacy = isLegacyPlan(input);
    const plan = legacy ? fromLegacyPlan(input) : fromInput(input);
    const result = ValidatedPlanSchema.safeParse(plan);
    if (!result.success) {
      // Issues raised here end the parse before the schema below sees the plan. A valid plan is parsed twice
      // (here, then below, which gives the output and the OpenAPI schema): plans are small, and rarely parsed.
      for (const issue of result.error.issues) {
        ctx.addIssue({ ...issue, path: writtenPath(input, issue.path, legacy), message: legacy ? issue.message.replace(/\bsteps\[(\d+)\]/g, 'requests[$1]') : issue.message });
      }
    }
    return plan;
  }, ValidatedPlanSchema)
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof PlanObjectSchema>;
