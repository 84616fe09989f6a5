import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { PlanSchema, readPlanYaml, writePlanYaml } from '../src/index.js';

/** The whole plans among docs/plan-format.md's examples (JSON blocks; YAML blocks read with the plan reader). */
function documentedPlans(): unknown[] {
  const text = readFileSync(new URL('../../../docs/plan-format.md', import.meta.url), 'utf8');
  const plans: unknown[] = [];
  for (const [, language, body] of text.matchAll(/```(yaml|json)\n([\s\S]*?)```/g)) {
    let value: unknown;
    try {
      value = language === 'json' ? JSON.parse(body!) : readPlanYaml(body!);
    } catch {
      continue; // a fragment, not a document
    }
    if (PlanSchema.safeParse(value).success) plans.push(value);
  }
  return plans;
}

/** Same value, same key order (JSON.stringify keeps the order); -0 and 0 are the same number to a plan. */
const sameText = (a: unknown, b: unknown) => expect(JSON.stringify(b)).toBe(JSON.stringify(a));

describe('writePlanYaml', () => {
  it('writes every example plan of docs/plan-format.md as YAML that reads back to it, keys in order', () => {
    const plans = documentedPlans();
    expect(plans.length).toBeGreaterThanOrEqual(10);
    for (const plan of plans) sameText(plan, readPlanYaml(writePlanYaml(plan)));
  });

  it('reads back any JSON value, strings that look like other types included', () => {
    const awkward = fc.constantFrom(
      '1',
      'no',
      'on',
      'null',
      '~',
      'true',
      '0x1f',
      '1e3',
      '- a',
      'a: b',
      '#c',
      "'q'",
      '"q"',
      ' lead',
      'trail ',
      'a\nb',
      'a\n',
      '\n',
      '${x}',
      '',
    );
    const text = fc.oneof(fc.string(), awkward);
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        tie('list'),
        tie('map'),
      ),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(text, tie('node'), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(value, (plan) => sameText(plan, readPlanYaml(writePlanYaml(plan)))),
      { numRuns: 500 },
    );
  });

  it('writes lists under their key indented, short lists of scalars on one line, multi-line text as a block, and never folds a line', () => {
    const url = `/search?q=${'a'.repeat(150)}`;
    const yaml = writePlanYaml({ steps: [{ url, checks: [{ status: [200, 201] }], body: { text: 'one\ntwo\n' } }] });
    expect(yaml).toBe(
      ['steps:', `  - url: ${url}`, '    checks:', '      - status: [200, 201]', '    body:', '      text: |', '        one', '        two', ''].join('\n'),
    );
  });
});
