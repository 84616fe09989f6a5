import { describe, expect, it } from '@jest/globals';
import { PlanYamlError, readPlanYaml } from '../src/index.js';

describe('readPlanYaml', () => {
  it('reads YAML 1.2 core: `no` and `on` stay strings, merge keys and aliases apply', () => {
    const plan = readPlanYaml(['name: p', 'defaults: &d', '  answer: no', '  flag: on', 'step:', '  <<: *d', '  url: /x'].join('\n'));
    expect(plan).toEqual({ name: 'p', defaults: { answer: 'no', flag: 'on' }, step: { answer: 'no', flag: 'on', url: '/x' } });
  });

  it('names the line and column of a syntax error, once', () => {
    const error = catchError(() => readPlanYaml('name: p\nsteps: [\n'));
    expect(error).toBeInstanceOf(PlanYamlError);
    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.message).toMatch(/^line \d+, column \d+: /);
    expect(error.message.match(/line \d+/g)).toHaveLength(1);
  });

  it('refuses a second document and a duplicate key', () => {
    expect(catchError(() => readPlanYaml('name: a\n---\nname: b\n')).reason).toBe('a plan is a single YAML document (remove the second "---")');
    expect(catchError(() => readPlanYaml('name: a\nname: b\n')).message).toMatch(/unique/i);
  });

  it('refuses an alias inside its own anchor: a plan is a tree', () => {
    expect(catchError(() => readPlanYaml('a: &x [*x]\n')).reason).toMatch(/a plan is a tree/);
  });
});

function catchError(read: () => unknown): PlanYamlError {
  try {
    read();
  } catch (error) {
    return error as PlanYamlError;
  }
  throw new Error('expected the text to be refused');
}
