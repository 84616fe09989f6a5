import { writePlanYaml as planToYaml } from '@loadtest/plan';
import { yamlToPlan } from './yaml-to-plan.js';

/** The same draft, keys in the same order: a graph edit that only reorders keys is still a change to show. */
export function samePlan(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What the editor's text becomes when the plan changes from outside (a graph
 * edit): unchanged (undefined) when the text already reads as that plan, so
 * that the author's layout, comments and quoting stay; else the plan written
 * anew. Text that does not read (a syntax error) is replaced too: the graph's
 * edit is the newer one.
 */
export function textForOutsidePlan(text: string, plan: unknown): string | undefined {
  const read = yamlToPlan(text);
  return read.ok && samePlan(read.plan, plan) ? undefined : planToYaml(plan);
}
