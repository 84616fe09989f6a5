import { z } from 'zod';

/** What the API, the logs and the dashboard show instead of a secret variable's value. */
export const SECRET_MASK = '***';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type VariableScalar = z.infer<typeof scalar>;

/**
 * A plan variable's value: plain (`token: abc`), or `{ value, secret: true }` for one that only the workers get
 * (a password, an API key). `{ value }` without `secret` is the plain value, written long.
 */
export const VariableValueSchema = z.union([
  scalar,
  z.strictObject({ value: scalar, secret: z.boolean().optional() }, { error: 'must be a string, a number, a boolean or { value, secret }' }),
]);
export type VariableValue = z.infer<typeof VariableValueSchema>;

type LongVariable = Extract<VariableValue, object>;

export function isSecretVariable(value: VariableValue): value is LongVariable & { secret: true } {
  return typeof value === 'object' && value.secret === true;
}

/** The value a virtual user starts with, secret or not. */
export function variableScalar(value: VariableValue): VariableScalar {
  return typeof value === 'object' ? value.value : value;
}

/** A plan's variables as the flow engine reads them: name → value, secrets included. */
export function variableScalars(variables: Readonly<Record<string, VariableValue>>): Record<string, VariableScalar> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, variableScalar(value)]));
}

/** The plan as the API answers it: every secret variable's value is {@link SECRET_MASK}; the rest is untouched. */
export function maskSecretVariables<P extends { variables: Record<string, VariableValue> }>(plan: P): P {
  if (!Object.values(plan.variables).some(isSecretVariable)) return plan;
  const variables = Object.fromEntries(
    Object.entries(plan.variables).map(([name, value]) => [name, isSecretVariable(value) ? { ...value, value: SECRET_MASK } : value]),
  );
  return { ...plan, variables };
}

/**
 * A plan written back after it was read masked: a secret variable whose value is {@link SECRET_MASK} keeps the value
 * stored under that name (when the stored one is a secret too), so that a plan read and saved unchanged loses nothing.
 * `unresolved` names the masked secrets with no stored secret to keep (a new plan, a renamed variable): the caller refuses them.
 */
export function restoreSecrets<P extends { variables: Record<string, VariableValue> }>(
  plan: P,
  stored: { variables: Record<string, VariableValue> } | undefined,
): { plan: P; unresolved: string[] } {
  const unresolved: string[] = [];
  let changed = false;
  const variables = Object.fromEntries(
    Object.entries(plan.variables).map(([name, value]) => {
      if (!isSecretVariable(value) || value.value !== SECRET_MASK) return [name, value];
      const before = stored?.variables[name];
      if (before === undefined || !isSecretVariable(before)) {
        unresolved.push(name);
        return [name, value];
      }
      changed = true;
      return [name, { ...value, value: before.value }];
    }),
  );
  return { plan: changed ? { ...plan, variables } : plan, unresolved };
}
