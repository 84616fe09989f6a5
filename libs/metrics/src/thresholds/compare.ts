import type { ThresholdOp } from './types.js';

/**
 * Relative tolerance for equality. Observed values come out of divisions (rates, rps) and limits out of
 * decimal text, so two values meant to be equal can differ in the last bits of a double.
 */
const RELATIVE_EPSILON = 1e-9;

export function approxEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= RELATIVE_EPSILON * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * `observed <op> limit`. Every operator goes through the same tolerant equality, so the operators stay
 * consistent with each other: when `==` holds, so do `<=` and `>=`, and `<`, `>` and `!=` do not.
 */
export function compare(observed: number, op: ThresholdOp, limit: number): boolean {
  // NaN would otherwise pass `!=`; a value that is not a number passes nothing.
  if (Number.isNaN(observed) || Number.isNaN(limit)) return false;
  const equal = approxEqual(observed, limit);
  switch (op) {
    case '==':
      return equal;
    case '!=':
      return !equal;
    case '<':
      return !equal && observed < limit;
    case '<=':
      return equal || observed < limit;
    case '>':
      return !equal && observed > limit;
    case '>=':
      return equal || observed > limit;
  }
}
