import { z } from 'zod';
import { formatPath, isV1Body, MAX_STORED_DEPTH, PlanObjectSchema, storedTextProblems, stepsFromInput } from '@loadtest/protocol';
import { planProblems } from './plan-problems.js';
import { planTextKind } from './plan-text.js';

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
  return {
    ...rest,
    steps: stepsFromInput(
      Array.isArray(requests) ? requests.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? { kind: 'http', ...r } : r)) : requests,
    ),
  };
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
 * A plan read from its input, in either form (see {@link PlanSchema}); with
 * `storedText`, every string must also be one the database can store and that
 * makes sense in its field (see {@link planTextKind}): a control character or
 * NUL is named by the path of its field, once per field.
 */
function planSchema(options: { storedText: boolean }) {
  return z.preprocess((input, ctx) => {
    if (!isObject(input)) return input;
    const legacy = isLegacyPlan(input);
    const plan = legacy ? fromLegacyPlan(input) : fromInput(input);
    // The input is walked as written, so these paths are the author's already (`requests[0].path`).
    const textProblems = options.storedText ? storedTextProblems(input, planTextKind) : [];
    const flagged = new Set(textProblems.map((problem) => formatPath(problem.path)));
    for (const problem of textProblems) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input });
    // Too deep to store, and too deep to walk again at every step of the path: nothing more is checked.
    if (textProblems.some((problem) => problem.path.length >= MAX_STORED_DEPTH)) return plan;
    const result = ValidatedPlanSchema.safeParse(plan);
    if (!result.success) {
      // Issues raised here end the parse before the schema below sees the plan. A valid plan is parsed twice
      // (here, then below, which gives the output and the OpenAPI schema): plans are small, and rarely parsed.
      for (const issue of result.error.issues) {
        const path = writtenPath(input, issue.path, legacy);
        // A field with a control character is told once, by that (its other problems, `must not hold a line break`, follow from it).
        if (flagged.has(formatPath(path))) continue;
        ctx.addIssue({ ...issue, path, message: legacy ? issue.message.replace(/\bsteps\[(\d+)\]/g, 'requests[$1]') : issue.message });
      }
    }
    return plan;
  }, ValidatedPlanSchema);
}

/**
 * A plan of format v1, or written before it (`requests`, read as v1 HTTP
 * steps). Steps' kinds are inferred, and HTTP steps written before v1 (`path`,
 * a bare body) read as v1, before validation; problems are named by the
 * fields the author wrote (`requests[0].path`, `steps[1].body`).
 *
 * Reads plans as they were stored (older rows may hold control characters
 * that {@link StoredPlanSchema} now refuses); what is written goes through
 * {@link StoredPlanSchema}.
 */
export const PlanSchema = planSchema({ storedText: false });

/**
 * {@link PlanSchema}, and every string storable and sensible in its field
 * (docs/api-errors.md): no NUL anywhere (PostgreSQL refuses it, in text and in
 * jsonb), no control character in names, URLs and keys, only tab, line feed and
 * carriage return in free text. What `POST` and `PUT /plans` take.
 */
export const StoredPlanSchema = planSchema({ storedText: true }).meta({
  id: 'Plan',
  description:
    'A test plan (docs/plan-format.md). No string may hold NUL (U+0000) or a lone surrogate; names, URLs, keys and identifiers hold no control character (U+0000–U+001F, U+007F); free text (bodies, attachments, variable, header, query and form values, patterns) may hold tab, line feed and carriage return only.',
});
