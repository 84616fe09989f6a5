import type { Manifest, Problem } from './manifest.js';
import { policyProblems } from './policy.js';
import { schemaProblems } from './schema-check.js';
import { typeProblems } from './type-check.js';

/** Every check on one rendered overlay: the Kubernetes schemas, the strict types, our policy rules. */
export function checkManifests(manifests: readonly Manifest[]): Problem[] {
  return [...schemaProblems(manifests), ...typeProblems(manifests), ...policyProblems(manifests)];
}
