import { describe, expect, it } from '@jest/globals';
import { readPlanYaml, StoredPlanSchema } from '@loadtest/plan';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphToPlan } from '../src/editor/graph/graph-to-plan.js';
import { isStartNode } from '../src/editor/graph/graph-types.js';
import { planToGraph } from '../src/editor/graph/plan-to-graph.js';
import type { PlanDraft } from '../src/editor/state/plan-draft.js';

/** Every plan example of docs/plan-format.md: the ```yaml and ```json blocks marked `<!-- plan: name -->`. */
function documentedPlans(): { label: string; plan: PlanDraft }[] {
  const text = readFileSync(fileURLToPath(new URL('../../../docs/plan-format.md', import.meta.url)), 'utf8');
  return [...text.matchAll(/<!-- plan: ([\w-]+) -->\n```(yaml|json)\n([\s\S]*?)\n```/g)].map((match) => ({
    label: `${match[1]} (${match[2]})`,
    plan: (match[2] === 'json' ? JSON.parse(match[3]!) : readPlanYaml(match[3]!)) as PlanDraft,
  }));
}

/** The same value, and the same text: key order included. */
function expectSamePlan(actual: PlanDraft, expected: PlanDraft) {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const RUNS = 500;

// Plans the API accepts: names trimmed and printable, header and query names that are tokens, templates that use
// only the variables every random plan sets (`token`, `id`), a regex group the regex has, no body file without its attachment.
const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,10}[A-Za-z0-9]$/);
const variableName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const SET_VARIABLES = { token: 'abc', id: 7 };
const templated = fc.oneof(
  text,
  fc.constantFrom('token', 'id').map((name) => `/x/\${${name}}`),
);
const record = (value: fc.Arbitrary<unknown>) => fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,7}$/), value, { maxKeys: 3 });
/** An object whose keys come in a random order: the round trip must keep whatever order a plan was written in. */
const shuffled = (fields: fc.Arbitrary<Record<string, unknown>>) =>
  fields.chain((object) =>
    fc.shuffledSubarray(Object.keys(object), { minLength: Object.keys(object).length }).map((keys) => Object.fromEntries(keys.map((k) => [k, object[k]]))),
  );
/** Optional fields: each present or not. */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const withoutUndefined = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));

const jsonBody = fc.jsonValue({ maxDepth: 2 }).filter((json) => !JSON.stringify(json).includes('${'));

const httpStep = shuffled(
  fc
    .record({
      kind: optional(fc.constant('http')),
      name: text,
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      url: fc.oneof(
        text.map((t) => `/${t.replace(/ /g, '-')}`),
        templated.filter((t) => t.startsWith('/')),
      ),
      query: optional(record(templated)),
      headers: optional(record(templated)),
      // A JSON body's strings are templates: a stray `${` in random text would be a template error.
      body: optional(fc.oneof(fc.record({ json: jsonBody }), fc.record({ text: templated }), fc.record({ form: record(templated) }))),
      timeoutSeconds: optional(fc.integer({ min: 1, max: 600 })),
      extract: optional(
        fc.array(
          fc.oneof(
            fc.record({ var: variableName, jsonPath: fc.constant('$.a') }),
            fc.record({ var: variableName, regex: fc.constant('a(b)'), group: fc.nat(1) }),
          ),
          { maxLength: 2 },
        ),
      ),
      checks: optional(
        fc.array(
          fc.oneof(
            fc.record({ status: fc.array(fc.integer({ min: 100, max: 599 }), { minLength: 1, maxLength: 3 }) }),
            fc.record({ jsonPath: fc.constant('$.b'), equals: fc.jsonValue({ maxDepth: 1 }), stopOnFail: fc.boolean() }),
          ),
          { maxLength: 2 },
        ),
      ),
    })
    .map(withoutUndefined),
);

const thinkStep = shuffled(
  fc.oneof(
    fc.record({ kind: fc.constant('think'), ms: fc.nat(5000) }),
    fc.record({ kind: fc.constant('think'), name: text, minMs: fc.nat(100), maxMs: fc.integer({ min: 100, max: 5000 }) }),
  ),
);

const condition = fc.oneof(
  fc.record({ on: fc.constantFrom('status', 'latencyMs', 'size'), op: fc.constantFrom('equals', 'notEquals', 'greaterThan', 'lessThan'), value: fc.nat(600) }),
  fc.record({ on: fc.constant('variable'), variable: fc.constantFrom('token', 'id'), op: fc.constant('equals'), value: fc.oneof(fc.nat(), text) }),
);

const { step } = fc.letrec<{
  step: Record<string, unknown>;
  flow: Record<string, unknown>[];
  ifStep: Record<string, unknown>;
  groupStep: Record<string, unknown>;
}>((tie) => ({
  step: fc.oneof({ depthSize: 'small', withCrossShrink: true }, httpStep, thinkStep, tie('ifStep'), tie('groupStep')),
  flow: fc.array(tie('step'), { maxLength: 3 }),
  ifStep: shuffled(
    fc.record({ kind: fc.constant('if'), name: optional(text), condition, then: optional(tie('flow')), else: optional(tie('flow')) }).map(withoutUndefined),
  ),
  groupStep: shuffled(
    fc
      .record({
        kind: fc.constant('group'),
        name: optional(text),
        repeat: optional(fc.integer({ min: 1, max: 10 })),
        steps: fc.array(tie('step'), { minLength: 1, maxLength: 3 }),
      })
      .map(withoutUndefined),
  ),
}));

const plan = shuffled(
  fc
    .record({
      version: optional(fc.constant(1)),
      name: text,
      baseUrl: fc.constantFrom('https://shop.example.com', 'http://localhost:8080/api'),
      variables: fc.dictionary(variableName, fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 3 }).map((random) => ({ ...random, ...SET_VARIABLES })),
      headers: optional(record(templated)),
      steps: fc.array(step, { minLength: 1, maxLength: 5 }),
    })
    .map(withoutUndefined)
    .map(withUniqueStepNames),
);

/** Step names are unique in a plan: a random name met again gets a number (the rare collision of two random names). */
function withUniqueStepNames(plan: Record<string, unknown>): Record<string, unknown> {
  const seen = new Set<string>();
  const visit = (steps: unknown): void => {
    if (!Array.isArray(steps)) return;
    for (const step of steps as Record<string, unknown>[]) {
      if (typeof step.name === 'string') {
        let name = step.name;
        for (let n = 2; seen.has(name); n++) name = `${step.name} ${n}`;
        seen.add(name);
        step.name = name;
      }
      for (const field of ['then', 'else', 'steps']) visit(step[field]);
    }
  };
  visit(plan.steps);
  return plan;
}

describe('plan → graph → plan', () => {
  const examples = documentedPlans();

  it('finds the examples of docs/plan-format.md', () => {
    // login, bodies, checks, flow, feeders and legacy, in YAML and in JSON.
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it.each(examples.map(({ label, plan }) => [label, plan] as const))('gives back the documented plan %s, key order included', (_label, example) => {
    expectSamePlan(graphToPlan(planToGraph(example)), example);
  });

  it(`gives back random plans (nested http, think, if and group steps), key order included: ${RUNS} runs`, () => {
    let valid = 0;
    fc.assert(
      fc.property(plan, (random) => {
        if (StoredPlanSchema.safeParse(random).success) valid++;
        expectSamePlan(graphToPlan(planToGraph(random)), random);
      }),
      { numRuns: RUNS },
    );
    // Every random plan is one the API accepts (invalid drafts have their own test below).
    expect(valid).toBe(RUNS);
  });

  it('gives back drafts that are not valid plans: a step that is no object, a branch that is no list, no steps at all', () => {
    const drafts: PlanDraft[] = [
      { name: 'x', steps: [42, null, { kind: 'if', then: 'soon', else: [{ url: '/' }] }, { kind: 'nonsense', steps: [1] }] },
      { name: 'no steps yet' },
      { steps: 'not a list', name: 'x' },
    ];
    for (const draft of drafts) expectSamePlan(graphToPlan(planToGraph(draft)), draft);
  });
});

describe('planToGraph', () => {
  const flow = documentedPlans().find(({ label }) => label === 'flow (yaml)')!.plan;
  const graph = planToGraph(flow);
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it('draws one node per step, of its kind (inferred when the step does not say it), and a start node', () => {
    expect(graph.nodes.filter(isStartNode)).toHaveLength(1);
    expect(node('steps[0]').type).toBe('http');
    expect(node('steps[1]').type).toBe('think');
    expect(node('steps[2]').type).toBe('if');
    expect(node('steps[5]').type).toBe('group');
    // 7 steps, 2 + 2 in the first two ifs' branches, 2 in the group, 1 in the last if's `then`: 14, and the start.
    expect(graph.nodes).toHaveLength(15);
  });

  it("draws an if's branches as edges from its then and else handles, and joins them to the step after it", () => {
    const from = (id: string) => graph.edges.filter((edge) => edge.source === id).map((edge) => `${edge.sourceHandle}:${edge.target}:${edge.data?.role}`);
    expect(from('steps[2]')).toEqual(expect.arrayContaining(['then:steps[2].then[0]:flow', 'else:steps[2].else[0]:flow', 'next:steps[3]:flow']));
    expect(from('steps[2].then[0]')).toEqual(['next:steps[3]:join']);
  });

  it("draws a group as a container of its steps, sized to hold them, and the flow's steps top to bottom", () => {
    const group = node('steps[5]');
    const child = node('steps[5].steps[1]');
    expect(child.parentId).toBe('steps[5]');
    expect(child.position.x + child.width!).toBeLessThanOrEqual(group.width!);
    expect(child.position.y + child.height!).toBeLessThanOrEqual(group.height!);
    expect(node('steps[5].steps[0]').position.y).toBeLessThan(child.position.y);
    expect(node('steps[0]').position.y).toBeLessThan(node('steps[1]').position.y);
    expect(node('steps[3]').position.y).toBeGreaterThan(node('steps[2].then[0]').position.y);
    // React Flow needs a parent before its children.
    expect(graph.nodes.indexOf(group)).toBeLessThan(graph.nodes.indexOf(child));
  });

  it('puts each issue on the step it is under, not on the if or group holding that step', () => {
    const withIssues = planToGraph(flow, [
      { path: ['steps', 2, 'then', 0, 'url'], message: 'bad url', severity: 'error' },
      { path: ['steps', 2, 'condition', 'value'], message: 'must be a number', severity: 'error' },
      { path: ['baseUrl'], message: 'must be a URL', severity: 'error' },
    ]);
    const issuesOf = (id: string) => withIssues.nodes.find((n) => n.id === id)!.data.issues.map((issue) => issue.message);
    expect(issuesOf('steps[2]')).toEqual(['must be a number']);
    expect(issuesOf('steps[2].then[0]')).toEqual(['bad url']);
    expect(issuesOf('plan')).toEqual(['must be a URL']);
  });
});
