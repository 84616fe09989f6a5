import { describe, expect, it } from '@jest/globals';
import { readPlanYaml } from '@loadtest/plan';
import { writePlanYaml as planToYaml } from '@loadtest/plan';
import { describeYamlSyntaxError, yamlToPlan } from '../src/editor/text/yaml-to-plan.js';
import { yamlPathPosition } from '../src/editor/text/yaml-path-position.js';
import { planFormatExamples } from './support/editor-text-plan-examples.js';

/** Equal values with their keys in the same order (toEqual alone ignores order). */
function expectSameWithKeyOrder(actual: unknown, expected: unknown) {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** A small deterministic random source, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('planToYaml and yamlToPlan', () => {
  const examples = planFormatExamples();

  it('finds the example plans of docs/plan-format.md', () => {
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['login', 'bodies', 'checks', 'flow', 'feeders', 'legacy']));
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it.each(planFormatExamples().map((e) => [`${e.name} (${e.language})`, e] as const))('round-trips the example %s', (_, example) => {
    const plan: unknown = example.language === 'json' ? JSON.parse(example.source) : readPlanYaml(example.source);
    const yaml = planToYaml(plan);
    const read = yamlToPlan(yaml);
    expect(read).toEqual({ ok: true, plan });
    if (read.ok) expectSameWithKeyOrder(read.plan, plan);
  });

  it('writes block style, key order kept, short lists on one line, multi-line text as a literal block', () => {
    const yaml = planToYaml({
      name: 'p',
      baseUrl: 'https://x.test',
      variables: { page: '1', flag: 'no', on: true },
      steps: [{ kind: 'http', name: 'a', method: 'GET', url: '/a', checks: [{ status: [200, 304] }] }],
      attachments: [{ name: 'a.csv', text: 'x,y\n1,2\n' }],
    });
    expect(yaml).toBe(
      [
        'name: p',
        'baseUrl: https://x.test',
        'variables:',
        '  page: "1"',
        // YAML 1.2, as plans are read: `no` and `on` are text, written bare.
        '  flag: no',
        '  on: true',
        'steps:',
        '  - kind: http',
        '    name: a',
        '    method: GET',
        '    url: /a',
        '    checks:',
        '      - status: [200, 304]',
        'attachments:',
        '  - name: a.csv',
        '    text: |',
        '      x,y',
        '      1,2',
        '',
      ].join('\n'),
    );
  });

  it('never folds a long string', () => {
    const url = '/search?' + 'q=word '.repeat(60).trim();
    const yaml = planToYaml({ steps: [{ url }] });
    expect(yaml.split('\n').filter((line) => line.includes('q=word'))).toHaveLength(1);
    expect(yamlToPlan(yaml)).toEqual({ ok: true, plan: { steps: [{ url }] } });
  });

  it('reads back any string, number, key and nesting as written (random values)', () => {
    const next = random(13);
    const alphabet = [
      'a',
      'Z',
      '0',
      '9',
      ' ',
      '\n',
      '\t',
      ':',
      '#',
      '-',
      '?',
      '[',
      ']',
      '{',
      '}',
      ',',
      "'",
      '"',
      '\\',
      '$',
      '{',
      '|',
      '>',
      '&',
      '*',
      '!',
      '%',
      '@',
      '`',
      '.',
      '~',
      'é',
      '\u0085',
      '\u2028',
      '\u0000',
      '\r',
      '\u00a0',
      '😀',
    ];
    const word = (max: number) => Array.from({ length: Math.floor(next() * max) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const keywords = ['true', 'null', 'no', 'On', '~', '1', '-1.5e3', '.inf', '0x1f', '0o7', '', ' ', '<<', '- a', '---', '...', 'a: b', '#c'];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.35) return next() < 0.3 ? keywords[Math.floor(next() * keywords.length)] : word(12);
      if (r < 0.45) return [0, -0, 1.5, -7, 1e21, 123456789012, true, false, null][Math.floor(next() * 9)];
      if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i--) object[next() < 0.2 ? keywords[Math.floor(next() * keywords.length)]! : word(6)] = value(depth + 1);
      return object;
    };
    for (let i = 0; i < 500; i++) {
      const original = { v: value(0) };
      delete (original as Record<string, unknown>)['<<'];
      const yaml = planToYaml(original);
      const read = yamlToPlan(yaml);
      if (!read.ok) throw new Error(`case ${i}: ${describeYamlSyntaxError(read.error)}\n${yaml}`);
      expect({ i, plan: read.plan }).toEqual({ i, plan: original });
      expect(Object.is((read.plan as { v: unknown }).v, original.v) || typeof original.v === 'object').toBe(true);
    }
  });
});

describe('yamlToPlan', () => {
  it('tells where the YAML is broken, 1-based, and reads nothing', () => {
    const read = yamlToPlan('name: x\nsteps:\n  - url: /a\n   method: GET\n');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.line).toBe(4);
    expect(read.error.column).toBeGreaterThanOrEqual(1);
    expect(describeYamlSyntaxError(read.error)).toMatch(/^line 4, column \d+: \S/);
  });

  it('names an unclosed flow list at its line', () => {
    const read = yamlToPlan('name: x\nbaseUrl: https://a.test\nsteps: [\n');
    expect(read).toMatchObject({ ok: false, error: { line: expect.any(Number), column: expect.any(Number) } });
  });

  it('refuses a second document, as the master does', () => {
    const read = yamlToPlan('name: a\n---\nname: b\n');
    expect(read).toMatchObject({ ok: false, error: { message: expect.stringContaining('single YAML document') } });
  });
});

describe('yamlPathPosition', () => {
  const text = [
    'name: login', // 1
    'baseUrl: https://x.test', // 2
    'steps:', // 3
    '  - kind: http', // 4
    '    name: login', // 5
    "    'url': /login", // 6
    '    extract:', // 7
    '      - var: token', // 8
    '        jsonPath: $.token', // 9
    '    checks: [{ status: [200] }]', // 10
    '  - kind: think', // 11
    '    ms: 10', // 12
    'headers:', // 13
    '  "x-a": b', // 14
  ].join('\n');

  it.each([
    [['name'], 1, true],
    [['steps'], 3, true],
    [['steps', 0], 4, true],
    [['steps', 0, 'url'], 6, true],
    [['steps', 0, 'extract', 0, 'jsonPath'], 9, true],
    [['steps', 0, 'checks', 0, 'status', 0], 10, true],
    [['steps', 1, 'ms'], 12, true],
    [['headers', 'x-a'], 14, true],
    // Not written: the nearest written parent.
    [['steps', 1, 'minMs'], 11, false],
    [['steps', 0, 'extract', 3, 'var'], 7, false],
    [['feeders', 0], 1, false],
    [[], 1, true],
  ] as const)('finds %j at line %i', (path, line, exact) => {
    const position = yamlPathPosition(text, path);
    expect({ line: position.line, exact: position.exact }).toEqual({ line, exact });
    expect(text.slice(position.from, position.to)).not.toContain('\n');
  });

  it('still finds fields in text that no longer parses', () => {
    expect(yamlPathPosition(`${text}\n  - [`, ['steps', 1, 'ms']).line).toBe(12);
  });
});
