import type { Condition } from '@loadtest/protocol';
import type { FlowResponse } from './response.js';
import type { Scope } from './scope.js';

function numeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

function compare<T extends number | string>(op: Condition['op'], actual: T, expected: T): boolean {
  switch (op) {
    case 'equals':
      return actual === expected;
    case 'notEquals':
      return actual !== expected;
    case 'greaterThan':
      return actual > expected;
    case 'lessThan':
      return actual < expected;
  }
}

/**
 * Whether an `if` takes its `then` branch. On `status`, `latencyMs` or `size`
 * it reads the iteration's last response (false before any; a request that got
 * no answer has status 0, size 0 and a latency that compares false, NaN).
 * On a variable (an unset one is ''), it compares numbers when both sides are
 * numeric, else text (by UTF-16 code units).
 */
export function conditionHolds(condition: Condition, last: FlowResponse | undefined, scope: Scope): boolean {
  if (condition.on === 'variable') {
    const actual = scope.get(condition.variable ?? '') ?? '';
    const expected = String(condition.value);
    return numeric(actual) && numeric(expected) ? compare(condition.op, Number(actual), Number(expected)) : compare(condition.op, actual, expected);
  }
  if (!last) return false;
  const actual = condition.on === 'status' ? last.status : condition.on === 'size' ? last.size : last.latencyMs;
  return compare(condition.op, actual, Number(condition.value));
}

/** A condition written out (`status equals 200`, `variable token notEquals ""`): how a trial shows an `if`. */
export function describeCondition(condition: Condition): string {
  const subject = condition.on === 'variable' ? `variable ${condition.variable ?? ''}` : condition.on;
  return `${subject} ${condition.op} ${JSON.stringify(condition.value)}`;
}
