import { isV1Body, stepsFromInput } from '@loadtest/protocol';
import { scanTemplate } from '@loadtest/plan';
import type { PlanPath } from '../editor-issue.js';

/** A `${…}` of a template, or a condition's variable, with the path of the field that holds it (as the author wrote it). */
export interface VariableUse {
  path: PlanPath;
  /** `token`, or for a feeder's column `users.email`. */
  name: string;
  /** Set for `${feeder.column}`. */
  feeder?: string;
}

/** A variable the plan sets: in `variables`, or by an extract of an HTTP step. */
export interface VariableDefinition {
  path: PlanPath;
  name: string;
  source: 'variables' | 'extract';
}

/** What a plan draft says about its variables, read from any draft (fields of the wrong shape are skipped). */
export interface PlanVariables {
  uses: VariableUse[];
  definitions: VariableDefinition[];
  feeders: Set<string>;
}

type Loose = Record<string, unknown>;
const isRecord = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const entries = (value: unknown): [string, unknown][] => (isRecord(value) ? Object.entries(value) : []);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The fields that hold child flows, by step kind (libs/protocol's CHILD_FLOWS, for drafts). */
const CHILD_FLOWS: Record<string, readonly string[]> = { if: ['then', 'else'], group: ['steps'] };

/** A step's kind, given or inferred as the master infers it (`method` → http…). */
function kindOf(step: Loose): unknown {
  const [read] = stepsFromInput([step]) as unknown[];
  return isRecord(read) ? read.kind : undefined;
}

/**
 * Every variable a draft uses and sets, at the fields the author wrote
 * (`requests[0].path` in a plan written before v1, a bare `body`): the
 * templates of docs/plan-format.md (URL, query and header values, body text,
 * form values, the strings of a JSON body) and conditions on a variable.
 */
export function planVariables(plan: unknown): PlanVariables {
  const found: PlanVariables = { uses: [], definitions: [], feeders: new Set() };
  if (!isRecord(plan)) return found;
  const template = (path: PlanPath, value: unknown) => {
    if (typeof value !== 'string' || !value.includes('${')) return;
    for (const part of scanTemplate(value).parts)
      if (part.kind === 'variable') found.uses.push({ path, name: part.name, ...(part.feeder === undefined ? {} : { feeder: part.feeder }) });
  };
  const jsonStrings = (path: PlanPath, value: unknown): void => {
    if (typeof value === 'string') template(path, value);
    else if (Array.isArray(value)) value.forEach((item, i) => jsonStrings([...path, i], item));
    else for (const [key, item] of entries(value)) jsonStrings([...path, key], item);
  };

  for (const [name] of entries(plan.variables)) found.definitions.push({ path: ['variables', name], name, source: 'variables' });
  for (const feeder of list(plan.feeders)) if (isRecord(feeder) && typeof feeder.name === 'string') found.feeders.add(feeder.name);
  for (const [name, value] of entries(plan.headers)) template(['headers', name], value);

  const walk = (steps: unknown, at: PlanPath): void => {
    for (const [i, step] of list(steps).entries()) {
      if (!isRecord(step)) continue;
      const path = [...at, i];
      const kind = kindOf(step);
      if (kind === 'http') httpStep(step, path);
      if (kind === 'if' && isRecord(step.condition) && step.condition.on === 'variable' && typeof step.condition.variable === 'string')
        found.uses.push({ path: [...path, 'condition', 'variable'], name: step.condition.variable });
      for (const field of typeof kind === 'string' ? (CHILD_FLOWS[kind] ?? []) : []) walk(step[field], [...path, field]);
    }
  };
  const httpStep = (step: Loose, path: PlanPath) => {
    // A step written before v1 names its URL `path`.
    if (step.url === undefined && step.path !== undefined) template([...path, 'path'], step.path);
    else template([...path, 'url'], step.url);
    for (const [key, value] of entries(step.query)) template([...path, 'query', key], value);
    for (const [key, value] of entries(step.headers)) template([...path, 'headers', key], value);
    const body = step.body;
    if (isV1Body(body) && isRecord(body)) {
      template([...path, 'body', 'text'], body.text);
      for (const [key, value] of entries(body.form)) template([...path, 'body', 'form', key], value);
      if (body.json !== undefined) jsonStrings([...path, 'body', 'json'], body.json);
    } else if (body !== undefined) {
      // A bare body (before v1): text when a string, else JSON.
      jsonStrings([...path, 'body'], body);
    }
    for (const [j, extract] of list(step.extract).entries())
      if (isRecord(extract) && typeof extract.var === 'string')
        found.definitions.push({ path: [...path, 'extract', j, 'var'], name: extract.var, source: 'extract' });
  };

  const legacy = 'requests' in plan && !('steps' in plan);
  walk(legacy ? plan.requests : plan.steps, [legacy ? 'requests' : 'steps']);
  return found;
}
