import { describe, expect, it } from '@jest/globals';
import { maskSecretVariables, PlanObjectSchema, restoreSecrets, SECRET_MASK, variableScalars } from '../src/index.js';

const plan = (variables: unknown) =>
  PlanObjectSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', variables, steps: [{ kind: 'http', name: 's', method: 'GET', url: '/' }] });

describe('secret plan variables', () => {
  it('takes a variable plain or written long, and refuses any other object', () => {
    expect(plan({ a: 'x', b: 2, c: { value: 'k', secret: true }, d: { value: true } }).variables).toEqual({
      a: 'x',
      b: 2,
      c: { value: 'k', secret: true },
      d: { value: true },
    });
    expect(PlanObjectSchema.safeParse({ name: 'p', baseUrl: 'http://h', variables: { a: { value: 'k', hidden: true } }, steps: [] }).success).toBe(false);
    expect(PlanObjectSchema.safeParse({ name: 'p', baseUrl: 'http://h', variables: { a: { secret: true } }, steps: [] }).success).toBe(false);
  });

  it('masks only the secrets, and gives the flow engine every value', () => {
    const p = plan({ a: 'x', key: { value: 'k', secret: true }, long: { value: 3, secret: false } });
    expect(maskSecretVariables(p).variables).toEqual({ a: 'x', key: { value: SECRET_MASK, secret: true }, long: { value: 3, secret: false } });
    expect(p.variables.key).toEqual({ value: 'k', secret: true });
    expect(variableScalars(p.variables)).toEqual({ a: 'x', key: 'k', long: 3 });
  });

  it('keeps a stored secret for ***, takes a new value, and names a *** with no stored secret to keep', () => {
    const stored = plan({ key: { value: 'k', secret: true }, open: 'o' });
    const written = plan({
      key: { value: SECRET_MASK, secret: true },
      other: { value: SECRET_MASK, secret: true },
      open: { value: SECRET_MASK, secret: true },
    });
    const restored = restoreSecrets(written, stored);
    expect(restored.plan.variables.key).toEqual({ value: 'k', secret: true });
    // `open` was not a secret: its value is not given away by writing *** over it.
    expect(restored.unresolved).toEqual(['other', 'open']);
    expect(restoreSecrets(plan({ key: { value: 'new', secret: true } }), stored).plan.variables.key).toEqual({ value: 'new', secret: true });
    expect(restoreSecrets(written, undefined).unresolved).toEqual(['key', 'other', 'open']);
  });
});
