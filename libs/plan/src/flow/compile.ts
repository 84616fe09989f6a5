import { mapFlow, type Condition, type HttpMethod, type HttpStep, type Plan } from '@loadtest/protocol';
import { compileBody, type CompiledBody } from './body.js';
import { compileCheck, type CompiledCheck } from './checks.js';
import { compileExtract, type CompiledExtract } from './extract.js';
import { compileTemplate, type Template } from './template.js';

export interface CompiledHttp {
  readonly kind: 'http';
  /** Its position among the plan's HTTP steps (depth first): the key of its windows. */
  readonly index: number;
  readonly name: string;
  readonly method: HttpMethod;
  readonly url: Template;
  readonly query: readonly (readonly [string, Template])[];
  /** The plan's default headers with the step's own over them (names compared in any case). */
  readonly headers: readonly (readonly [string, Template])[];
  readonly body: CompiledBody | undefined;
  /** The step's own timeout; the run's applies otherwise. */
  readonly timeoutMs: number | undefined;
  readonly extract: readonly CompiledExtract[];
  readonly checks: readonly CompiledCheck[];
  /** Whether an extraction or a check reads the body: only then is it kept. */
  readonly needsBody: boolean;
  /** True when no part of its request is templated: its bytes are the same for every virtual user (requestBytes). */
  readonly constant: boolean;
}

export interface CompiledThink {
  readonly kind: 'think';
  readonly ms: number | undefined;
  readonly minMs: number | undefined;
  readonly maxMs: number | undefined;
}

export interface CompiledIf {
  readonly kind: 'if';
  readonly name: string | undefined;
  readonly condition: Condition;
  readonly then: readonly CompiledStep[];
  readonly else: readonly CompiledStep[];
}

export interface CompiledGroup {
  readonly kind: 'group';
  readonly repeat: number;
  readonly steps: readonly CompiledStep[];
}

export type CompiledStep = CompiledHttp | CompiledThink | CompiledIf | CompiledGroup;

export interface CompiledFlow {
  readonly steps: readonly CompiledStep[];
  /** `names[i]` is the name of the HTTP step of index i. */
  readonly names: readonly string[];
  readonly variables: Readonly<Record<string, string | number | boolean>>;
}

/** RFC 9110 token: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function mergeHeaders(defaults: Record<string, string>, own: Record<string, string>): [string, string][] {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of [...Object.entries(defaults), ...Object.entries(own)]) {
    if (!HEADER_NAME.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    merged.set(name.toLowerCase(), [name, value]);
  }
  return [...merged.values()];
}

function compileHttp(plan: Plan, step: HttpStep, index: number): CompiledHttp {
  const headers = mergeHeaders(plan.headers, step.headers);
  const body = step.body === undefined ? undefined : compileBody(step.body, plan.attachments);
  if (body?.contentType !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', body.contentType]);
  const extract = step.extract.map((e) => compileExtract(e, step.name));
  const checks = step.checks.map((c, i) => compileCheck(c, step.name, i));
  const url = compileTemplate(step.url);
  const query = Object.entries(step.query).map(([name, value]) => [name, compileTemplate(value)] as const);
  const compiledHeaders = headers.map(([name, value]) => [name, compileTemplate(value)] as const);
  const fixed = (template: Template) => template.constant !== undefined;
  return {
    kind: 'http',
    index,
    name: step.name,
    method: step.method,
    url,
    query,
    headers: compiledHeaders,
    body,
    timeoutMs: step.timeoutSeconds === undefined ? undefined : step.timeoutSeconds * 1000,
    extract,
    checks,
    needsBody: extract.some((e) => e.needsBody) || checks.some((c) => c.needsBody),
    constant:
      fixed(url) && query.every(([, value]) => fixed(value)) && compiledHeaders.every(([, value]) => fixed(value)) && (body === undefined || body.constant),
  };
}

/**
 * Compiles a plan's flow once per share: templates parsed, regexes and
 * JSONPaths checked, bodies prepared. Throws, naming the step, on what cannot run.
 */
export function compileFlow(plan: Plan): CompiledFlow {
  const names: string[] = [];
  // Depth first, `then` before `else` (children before their step, which numbers no name): the order of httpSteps().
  const steps = mapFlow<CompiledStep>(plan.steps, (step, children): CompiledStep => {
    switch (step.kind) {
      case 'http':
        names.push(step.name);
        return compileHttp(plan, step, names.length - 1);
      case 'think':
        return { kind: 'think', ms: step.ms, minMs: step.minMs, maxMs: step.maxMs };
      case 'if':
        return { kind: 'if', name: step.name, condition: step.condition, then: children.then ?? [], else: children.else ?? [] };
      case 'group':
        return { kind: 'group', repeat: step.repeat, steps: children.steps ?? [] };
    }
  });
  return { steps, names, variables: plan.variables };
}
