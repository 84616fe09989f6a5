import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { problemAt, type Problem, type Segment, type Workflow } from './problem.js';
import { loadWorkflowSchema, WORKFLOW_SCHEMA_ID } from './schema.js';

interface Validators {
  workflow: ValidateFunction;
  normalJob: ValidateFunction;
  reusableJob: ValidateFunction;
}

let validators: Validators | undefined;

/** Compiled once: the schema is some 100 KB, and the tests check many workflows. */
function compiled(): Validators {
  if (validators) return validators;
  // strict: false, since SchemaStore's schema uses keywords and formats ajv's strict mode refuses (a known trait of it).
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema(loadWorkflowSchema());
  const definition = (name: string) => ajv.compile({ $ref: `${WORKFLOW_SCHEMA_ID}#/definitions/${name}` });
  validators = { workflow: ajv.getSchema(WORKFLOW_SCHEMA_ID)!, normalJob: definition('normalJob'), reusableJob: definition('reusableWorkflowCallJob') };
  return validators;
}

/** `/jobs/test/steps/0` as path segments, list indices as numbers (the YAML document is walked with them). */
function segments(pointer: string, data: unknown): Segment[] {
  const path: Segment[] = [];
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(value) ? Number(part) : part;
    path.push(segment);
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return path;
}

const EXPRESSION = '#/definitions/expressionSyntax';
/** Errors that say what shape a value must have: where a value may take several, each branch reports one. */
const isShape = (e: ErrorObject) => ['type', 'enum', 'const'].includes(e.keyword) || (e.keyword === 'pattern' && e.schemaPath.startsWith(EXPRESSION));
/** Errors that only say "some branch failed": the branches' own errors say why. */
const SUMMARY = new Set(['oneOf', 'anyOf', 'if', 'not']);

/** "must be number, or a ${{ }} expression", "must be one of "read-all", "write-all", or object". */
function shapeMessage(errors: readonly ErrorObject[]): string {
  const types = [...new Set(errors.filter((e) => e.keyword === 'type').map((e) => String(e.params['type'])))];
  const values = errors.flatMap((e) =>
    e.keyword === 'enum' ? (e.params['allowedValues'] as unknown[]) : e.keyword === 'const' ? [e.params['allowedValue']] : [],
  );
  const parts = [
    ...(values.length > 0 ? [`one of ${[...new Set(values.map((v) => JSON.stringify(v)))].join(', ')}`] : []),
    ...(types.length > 0 ? [types.join(' or ')] : []),
    ...(errors.some((e) => e.keyword === 'pattern') ? ['a ${{ }} expression'] : []),
  ];
  return `must be ${parts.join(', or ')}`;
}

/**
 * ajv's errors, in short and without the noise of alternatives. Where a value may take one of several shapes (a number
 * or a `${{ }}` expression, a string or a mapping), every branch that failed reports its error. When some branch got
 * further at a place (an unknown key in the mapping, an error inside it), that is what is reported, not that the value
 * is not a string; when none did, one message lists every shape allowed. "No branch matched" summaries go too.
 */
function simplify(workflow: Workflow, errors: readonly ErrorObject[], prefix: readonly Segment[] = [], data: unknown = workflow.data): Problem[] {
  const at = (e: ErrorObject) => [...prefix, ...segments(e.instancePath, data)];
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const problems = new Map<string, Problem>();
  const add = (p: Problem) => problems.set(`${p.path}\n${p.message}`, p);

  for (const [pointer, here] of byPath) {
    const deeper = errors.some((e) => e.instancePath.startsWith(`${pointer}/`));
    const specific = here.filter((e) => !SUMMARY.has(e.keyword));
    const shapes = specific.filter(isShape);
    const others = specific.filter((e) => !isShape(e));
    if (others.length === 0 && !deeper) {
      add(problemAt(workflow, at(here[0]!), 'schema', shapes.length > 0 ? shapeMessage(shapes) : 'matches none of the shapes the schema allows here'));
      continue;
    }
    for (const e of others) {
      const path = at(e);
      if (e.keyword === 'additionalProperties') {
        const key = String(e.params['additionalProperty']);
        add(problemAt(workflow, path, 'schema', `unknown key ${JSON.stringify(key)}`, key));
      } else if (e.keyword === 'required') {
        const key = String(e.params['missingProperty']);
        add(problemAt(workflow, path, 'schema', `missing required key ${JSON.stringify(key)}`, key));
      } else {
        add(problemAt(workflow, path, 'schema', e.message ?? e.keyword));
      }
    }
  }
  return [...problems.values()];
}

/**
 * The workflow against SchemaStore's github-workflow schema. A job is either a job that runs steps or a call of a
 * reusable workflow (a `uses:` key): the schema says "one of the two", and a typo in a job would be reported against
 * both, so each job with errors is checked again against the one it means, and only that one's errors are reported.
 */
export function schemaProblems(workflow: Workflow): Problem[] {
  const { workflow: validate, normalJob, reusableJob } = compiled();
  if (validate(workflow.data)) return [];
  const jobs = (workflow.data as { jobs?: unknown }).jobs;
  const jobIds = jobs !== null && typeof jobs === 'object' && !Array.isArray(jobs) ? Object.keys(jobs) : [];
  const inJob = (e: ErrorObject) => jobIds.find((id) => e.instancePath === `/jobs/${id}` || e.instancePath.startsWith(`/jobs/${id}/`));
  const problems = simplify(
    workflow,
    (validate.errors ?? []).filter((e) => inJob(e) === undefined),
  );
  for (const id of new Set((validate.errors ?? []).map(inJob))) {
    if (id === undefined) continue;
    const job = (jobs as Record<string, unknown>)[id];
    const jobValidate = job !== null && typeof job === 'object' && 'uses' in job ? reusableJob : normalJob;
    if (!jobValidate(job)) problems.push(...simplify(workflow, jobValidate.errors ?? [], ['jobs', id], job));
  }
  return problems;
}
