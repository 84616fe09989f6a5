import { beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { checkManifests } from '../src/check.js';
import type { Manifest } from '../src/manifest.js';
import { policyProblems } from '../src/policy.js';
import { overlaysOf, renderOverlay } from '../src/render.js';
import { schemaProblems } from '../src/schema-check.js';
import { typeProblems } from '../src/type-check.js';

const K8S_DIR = fileURLToPath(new URL('../../../deployments/k8s/', import.meta.url));

type Json = Record<string, unknown>;
const find = (manifests: Manifest[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name)!;
/** The first container of a workload, to break. */
const container = (m: Manifest) => ((m.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!;

describe('deployments/k8s, rendered and checked offline', () => {
  const rendered = new Map<string, Manifest[]>();

  beforeAll(() => {
    for (const overlay of overlaysOf(K8S_DIR)) rendered.set(overlay, renderOverlay(K8S_DIR, overlay));
  }, 120_000);

  it('renders the dev, production and digitalocean overlays, each passing every check', () => {
    expect([...rendered.keys()].sort()).toEqual(['dev', 'digitalocean', 'production']);
    for (const [overlay, manifests] of rendered) {
      const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`);
      expect({ overlay, kinds: kinds.sort() }).toEqual({
        overlay,
        kinds: expect.arrayContaining([
          'Namespace/loadtest',
          'Deployment/master',
          'Service/master',
          'PodDisruptionBudget/master',
          'StatefulSet/worker',
          'StatefulSet/rabbitmq',
          'StatefulSet/postgres',
          'NetworkPolicy/default-deny',
          'Secret/worker-broker',
          'ConfigMap/loadtest-config',
        ]),
      });
      expect({ overlay, problems: checkManifests(manifests) }).toEqual({ overlay, problems: [] });
    }
  }, 120_000);

  it('gives each overlay what it is for: one small worker, four spread over nodes, DigitalOcean storage and load balancer', () => {
    const replicas = (overlay: string) => (find(rendered.get(overlay)!, 'StatefulSet', 'worker').spec as { replicas: number }).replicas;
    expect([replicas('dev'), replicas('production'), replicas('digitalocean')]).toEqual([1, 4, 4]);
    const production = find(rendered.get('production')!, 'StatefulSet', 'worker').spec as { template: { spec: { topologySpreadConstraints?: unknown[] } } };
    expect(production.template.spec.topologySpreadConstraints).toHaveLength(1);
    const doMaster = find(rendered.get('digitalocean')!, 'Service', 'master');
    expect((doMaster.spec as { type: string }).type).toBe('LoadBalancer');
    expect(doMaster.metadata.annotations?.['service.beta.kubernetes.io/do-loadbalancer-healthcheck-path']).toBe('/healthz');
    const postgres = find(rendered.get('digitalocean')!, 'StatefulSet', 'postgres').spec as { volumeClaimTemplates: { spec: { storageClassName?: string } }[] };
    expect(postgres.volumeClaimTemplates[0]!.spec.storageClassName).toBe('do-block-storage');
  });

  describe('catches deliberately broken manifests', () => {
    const broken = (change: (manifests: Manifest[]) => void): Manifest[] => {
      const copy = structuredClone(rendered.get('dev')!);
      change(copy);
      return copy;
    };

    it('a misspelled field (resouces): the strict type check, which the schemas let through', () => {
      const manifests = broken((m) => {
        const c = container(find(m, 'Deployment', 'master'));
        c.resouces = c.resources;
        delete c.resources;
      });
      expect(schemaProblems(manifests)).toEqual([]);
      const problems = typeProblems(manifests);
      expect(problems).toEqual([expect.objectContaining({ object: 'Deployment/master', rule: 'types', message: expect.stringContaining('resouces') })]);
    }, 60_000);

    it('a string where an integer belongs: the schema check', () => {
      const manifests = broken((m) => {
        (find(m, 'Service', 'master').spec as { ports: Json[] }).ports[0]!.port = 'eighty';
      });
      expect(schemaProblems(manifests)).toEqual([expect.objectContaining({ object: 'Service/master', rule: 'schema' })]);
    });

    it('a missing probe, an unpinned image, root allowed: the policy rules', () => {
      const manifests = broken((m) => {
        const worker = find(m, 'StatefulSet', 'worker');
        const c = container(worker);
        delete c.readinessProbe;
        c.image = 'loadtest/worker:latest';
        delete ((worker.spec as Json).template as { spec: Json }).spec.securityContext;
      });
      expect(policyProblems(manifests).map((p) => [p.object, p.rule])).toEqual([
        ['StatefulSet/worker', 'probes'],
        ['StatefulSet/worker', 'image'],
        ['StatefulSet/worker', 'non-root'],
        ['StatefulSet/worker', 'seccomp'],
      ]);
    });

    it('a selector that matches nothing, and a Secret that does not exist: the policy rules', () => {
      const manifests = broken((m) => {
        (find(m, 'Service', 'master').spec as { selector: Json }).selector = { 'app.kubernetes.io/name': 'mastr' };
        const c = container(find(m, 'Deployment', 'master'));
        c.envFrom = [{ configMapRef: { name: 'no-such-config' } }];
      });
      expect(policyProblems(manifests)).toEqual([
        expect.objectContaining({ object: 'Deployment/master', rule: 'references', message: expect.stringContaining('no-such-config') }),
        expect.objectContaining({ object: 'Service/master', rule: 'service', message: expect.stringContaining('matches no workload') }),
      ]);
    });
  });
});
