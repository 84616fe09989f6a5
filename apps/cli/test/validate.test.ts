import { describe, expect, it } from '@jest/globals';
import { checkPlanText, formatProblem } from '../src/plan-file/read-plan-file.js';
import { positionLookup } from '../src/plan-file/yaml-positions.js';

const YAML_PLAN = `name: shop
baseUrl: http://127.0.0.1:3000
steps:
  - name: home
    method: GET
    url: /
  - name: buy
    method: FETCH
    url: nowhere
`;

describe('YAML positions of plan fields', () => {
  const lookup = positionLookup(YAML_PLAN);

  it('finds a value by its path', () => {
    expect(lookup.at(['name'])).toEqual({ line: 1, column: 7 });
    expect(lookup.at(['steps', 1, 'method'])).toEqual({ line: 8, column: 13 });
    expect(lookup.at(['steps', 1])).toEqual({ line: 7, column: 5 });
  });

  it('points a missing field at the map that lacks it', () => {
    expect(lookup.at(['steps', 0, 'checks', 0])).toEqual({ line: 4, column: 5 });
  });

  it('points an empty value at its key', () => {
    expect(positionLookup('name:\nbaseUrl: x\n').at(['name'])).toEqual({ line: 1, column: 1 });
  });

  it('reads JSON the same way (YAML 1.2 is a superset)', () => {
    const json = '{\n  "name": "x",\n  "steps": [\n    { "name": "a", "url": 5 }\n  ]\n}';
    expect(positionLookup(json).at(['steps', 0, 'url'])).toEqual({ line: 4, column: 27 });
  });

  it('follows aliases to their anchor', () => {
    const text = 'defaults: &d\n  method: GET\nsteps:\n  - *d\n';
    expect(positionLookup(text).at(['steps', 0, 'method'])).toEqual({ line: 2, column: 11 });
  });
});

describe('plan checks with positions', () => {
  it('lists each problem at its line:column with its field path, in the order of the text', () => {
    const result = checkPlanText(YAML_PLAN);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => formatProblem('plan.yaml', p))).toEqual([
      'plan.yaml:8:13: steps[1].method: must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
      'plan.yaml:9:10: steps[1].url: must start with "/" or be an absolute http(s) URL',
    ]);
  });

  it('a YAML syntax error has its position from the parser', () => {
    const result = checkPlanText('name: x\nsteps: [\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.position?.line).toBeGreaterThanOrEqual(2);
    expect(result.problems[0]!.path).toBe('');
  });

  it('a missing required field is placed at the map that lacks it', () => {
    const result = checkPlanText('name: x\nsteps:\n  - name: a\n    method: GET\n    url: /\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => formatProblem('p.yaml', p))).toContain('p.yaml:1:1: baseUrl: required');
  });

  it('accepts a valid plan', () => {
    const result = checkPlanText('name: ok\nbaseUrl: http://127.0.0.1:3000\nsteps:\n  - name: root\n    method: GET\n    url: /\n');
    expect(result.ok && result.plan.name).toBe('ok');
  });
});
