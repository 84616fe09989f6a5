import { readFileSync } from 'node:fs';
import { type Plan } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { expect } from '@jest/globals';
import { PlanImportError } from '../src/index.js';

/** A JSON fixture, relative to this folder. */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as unknown;
}

/** The plan as PlanSchema reads it, defaults filled in: what an import must return exactly. */
export function plan(input: Record<string, unknown>): Plan {
  return PlanSchema.parse(input);
}

/** The issues of the PlanImportError that `convert` throws. */
export function importIssues(convert: () => unknown): PlanImportError['issues'] {
  try {
    convert();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanImportError);
    return (error as PlanImportError).issues;
  }
  throw new Error('expected a PlanImportError, but the import succeeded');
}
