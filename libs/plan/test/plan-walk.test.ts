import { describe, expect, it } from '@jest/globals';
import { allSteps, CHILD_FLOWS, formatPath, httpSteps, mapFlow, StepSchema, stepsFromInput, walkFlow, type Step } from '@loadtest/protocol';
import { planProblems, PlanSchema } from '../src/index.js';

/** A flow that nests every kind with children: an `if` in a group, a group in an `else`. */
const plan = PlanSchema.parse({
  name: 'walk',
  baseUrl: 'http://127.0.0.1:1',
  steps: [
    { name: 'a', method: 'GET', url: '/a' },
    {
      kind: 'group',
      repeat: 2,
      steps: [
        { name: 'b', method: 'GET', url: '/b' },
        {
          kind: 'if',
          condition: { on: 'status', op: 'equals', value: 200 },
          then: [{ name: 'c', method: 'GET', url: '/c' }],
          else: [
            { kind: 'think', ms: 5 },
            { kind: 'group', repeat: 1, steps: [{ name: 'd', method: 'GET', url: '/d' }] },
          ],
        },
      ],
    },
    { name: 'e', method: 'GET', url: '/e' },
  ],
});

describe('the step tree, walked by one walker (CHILD_FLOWS)', () => {
  it('names the child flows of every step kind the schema takes, and no other', () => {
    const kinds = (StepSchema as unknown as { options: { shape: { kind: { value: string } } }[] }).options.map((o) => o.shape.kind.value);
    expect(Object.keys(CHILD_FLOWS).sort()).toEqual([...kinds].sort());
  });

  it('visits steps depth first, `then` before `else`, with their paths', () => {
    const visited = [...walkFlow(plan.steps)].map(({ step, path }) => [step.kind === 'http' ? step.name : step.kind, path.join('.')]);
    expect(visited).toEqual([
      ['a', '0'],
      ['group', '1'],
      ['b', '1.steps.0'],
      ['if', '1.steps.1'],
      ['c', '1.steps.1.then.0'],
      ['think', '1.steps.1.else.0'],
      ['group', '1.steps.1.else.1'],
      ['d', '1.steps.1.else.1.steps.0'],
      ['e', '2'],
    ]);
    expect([...allSteps(plan.steps)]).toHaveLength(9);
    expect(httpSteps(plan.steps).map((s) => s.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('rebuilds a flow bottom up: children mapped before their step, in the order of httpSteps', () => {
    const order: string[] = [];
    const rebuilt = mapFlow<Step>(plan.steps, (step, children) => {
      if (step.kind === 'http') order.push(step.name);
      return step.kind === 'http' ? { ...step, url: step.url.toUpperCase() } : { ...step, ...children };
    });
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(httpSteps(rebuilt).map((s) => s.url)).toEqual(['/A', '/B', '/C', '/D', '/E']);
    // Nothing but the mapped fields changed.
    expect(JSON.stringify(rebuilt).replace(/"\/[A-E]"/g, (m) => m.toLowerCase())).toBe(JSON.stringify(plan.steps));
  });

  it('reads input that is not valid yet: validation and the legacy reading walk the same tree', () => {
    const input = [
      { name: 'x', method: 'GET', path: '/x' },
      'not a step',
      { kind: 'group', steps: [{ kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [{ name: 'y', method: 'GET', path: '/y' }] }] },
    ];
    expect([...walkFlow(input)].map(({ path }) => path.join('.'))).toEqual(['0', '2', '2.steps.0', '2.steps.0.then.0']);
    // `path` (before v1) read as `url` down through a group's `if`.
    expect(JSON.stringify(stepsFromInput(input))).toContain('"url":"/y"');
    // A problem deep in the tree is named at its path.
    const problems = planProblems({
      name: 'p',
      baseUrl: 'http://127.0.0.1:1',
      steps: [
        { kind: 'group', repeat: 1, steps: [{ kind: 'if', condition: { on: 'variable', variable: 'nope', op: 'equals', value: 'x' }, then: [], else: [] }] },
      ],
    });
    expect(problems.map((p) => formatPath(p.path))).toContain('steps[0].steps[0].condition.variable');
  });
});
