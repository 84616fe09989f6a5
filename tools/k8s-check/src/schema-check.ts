import { Namespace, Service, ConfigMap, Secret } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { nameOf, type Manifest, type Problem } from './manifest.js';

/** The kinds our manifests use, by `apiVersion/kind`, with their kubernetes-models class. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

export const KNOWN_KINDS = Object.keys(MODELS);

/**
 * Each object against the Kubernetes OpenAPI schema (kubernetes-models' validator): wrong types, values outside an
 * enum, missing required fields. It lets unknown fields through: the type check (type-check.ts) catches those.
 */
export function schemaProblems(manifests: readonly Manifest[]): Problem[] {
  return manifests.flatMap((manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    if (!Model)
      return [
        {
          object: nameOf(manifest),
          rule: 'schema',
          message: `kind ${manifest.apiVersion}/${manifest.kind} is not one the checks know (${KNOWN_KINDS.join(', ')})`,
        },
      ];
    try {
      new Model(manifest as never).validate();
      return [];
    } catch (error) {
      return [{ object: nameOf(manifest), rule: 'schema', message: (error as Error).message.split('\n').slice(0, 3).join(' ') }];
    }
  });
}
