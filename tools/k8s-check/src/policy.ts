import { nameOf, type Manifest, type Problem } from './manifest.js';

/** The parts of a pod template the rules read (everything optional: the manifests may be wrong). */
interface Container {
  name?: string;
  image?: string;
  ports?: { name?: string; containerPort?: number }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] }; seccompProfile?: { type?: string } };
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  env?: { valueFrom?: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } } }[];
}
interface PodSpec {
  containers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  volumes?: { configMap?: { name?: string }; secret?: { secretName?: string } }[];
  terminationGracePeriodSeconds?: number;
}
interface Workload {
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const spec = <T>(m: Manifest): T => (m.spec ?? {}) as T;
const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const validPort = (port: unknown) => typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;

/**
 * Our rules, which no schema checks: names, selectors that match, Services and policies that select a workload,
 * ports in range, ConfigMaps and Secrets that exist, and every container with probes, requests and limits, a pinned
 * image, non-root, no capabilities, the runtime's seccomp profile, no privilege escalation.
 */
export function policyProblems(manifests: readonly Manifest[]): Problem[] {
  const problems: Problem[] = [];
  const add = (m: Manifest, rule: string, message: string) => problems.push({ object: nameOf(m), rule, message });
  const workloads = manifests.filter((m) => WORKLOAD_KINDS.has(m.kind));
  const templateLabels = workloads.map((w) => spec<Workload>(w).template?.metadata?.labels ?? {});
  const configMaps = new Set(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name));
  const secrets = new Set(manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name));
  const selectsWorkload = (selector: Record<string, string>) => templateLabels.some((labels) => matches(selector, labels));

  for (const m of manifests) {
    const name = m.metadata.name;
    const label = m.kind === 'Service' || m.kind === 'Namespace';
    if (name.length > (label ? 63 : 253) || !(label ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(name))
      add(m, 'dns-1123', `name ${JSON.stringify(name)} is not a DNS-1123 ${label ? 'label' : 'subdomain'}`);
  }

  for (const w of workloads) {
    const { selector, template } = spec<Workload>(w);
    const matchLabels = selector?.matchLabels ?? {};
    if (Object.keys(matchLabels).length === 0) add(w, 'selector', 'spec.selector.matchLabels is empty');
    else if (!matches(matchLabels, template?.metadata?.labels)) add(w, 'selector', 'spec.selector.matchLabels does not match spec.template.metadata.labels');
    const pod = template?.spec ?? {};
    if (pod.terminationGracePeriodSeconds === undefined)
      add(w, 'shutdown', 'spec.template.spec.terminationGracePeriodSeconds is not set (match it to the drain settings)');
    for (const volume of pod.volumes ?? []) {
      if (volume.configMap?.name && !configMaps.has(volume.configMap.name)) add(w, 'references', `volume ConfigMap ${volume.configMap.name} does not exist`);
      if (volume.secret?.secretName && !secrets.has(volume.secret.secretName)) add(w, 'references', `volume Secret ${volume.secret.secretName} does not exist`);
    }
    for (const [i, c] of (pod.containers ?? []).entries()) {
      const at = `containers[${i}] (${c.name ?? '?'})`;
      if (!c.livenessProbe) add(w, 'probes', `${at} has no livenessProbe`);
      if (!c.readinessProbe) add(w, 'probes', `${at} has no readinessProbe`);
      for (const part of ['requests', 'limits'] as const)
        for (const resource of ['cpu', 'memory'])
          if (c.resources?.[part]?.[resource] === undefined) add(w, 'resources', `${at} sets no ${resource} in resources.${part}`);
      const image = c.image ?? '';
      if (!image.includes('@') && (!/:[^/]+$/.test(image) || image.endsWith(':latest')))
        add(w, 'image', `${at} image ${JSON.stringify(image)} is not pinned (a tag other than latest, or a digest)`);
      if (c.securityContext?.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) add(w, 'non-root', `${at} may run as root (runAsNonRoot)`);
      if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL')) add(w, 'capabilities', `${at} does not drop ALL capabilities`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) add(w, 'privileges', `${at} does not set allowPrivilegeEscalation: false`);
      if ((c.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type) !== 'RuntimeDefault')
        add(w, 'seccomp', `${at} has no seccompProfile RuntimeDefault`);
      for (const port of c.ports ?? [])
        if (!validPort(port.containerPort)) add(w, 'ports', `${at} containerPort ${String(port.containerPort)} is out of 1-65535`);
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef?.name && !configMaps.has(from.configMapRef.name))
          add(w, 'references', `${at} envFrom ConfigMap ${from.configMapRef.name} does not exist`);
        if (from.secretRef?.name && !secrets.has(from.secretRef.name)) add(w, 'references', `${at} envFrom Secret ${from.secretRef.name} does not exist`);
      }
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.configMapKeyRef?.name;
        if (ref && !configMaps.has(ref)) add(w, 'references', `${at} env ConfigMap ${ref} does not exist`);
        const secret = env.valueFrom?.secretKeyRef?.name;
        if (secret && !secrets.has(secret)) add(w, 'references', `${at} env Secret ${secret} does not exist`);
      }
    }
  }

  for (const s of manifests.filter((m) => m.kind === 'Service')) {
    const { selector, ports } = spec<{ selector?: Record<string, string>; ports?: { port?: number; targetPort?: number | string }[] }>(s);
    if (!selector || Object.keys(selector).length === 0) add(s, 'service', 'selects nothing (no spec.selector)');
    else if (!selectsWorkload(selector)) add(s, 'service', `spec.selector ${JSON.stringify(selector)} matches no workload's pods`);
    for (const port of ports ?? []) {
      if (!validPort(port.port)) add(s, 'ports', `port ${String(port.port)} is out of 1-65535`);
      if (typeof port.targetPort === 'number' && !validPort(port.targetPort)) add(s, 'ports', `targetPort ${port.targetPort} is out of 1-65535`);
    }
  }

  for (const m of manifests.filter((x) => x.kind === 'PodDisruptionBudget' || x.kind === 'NetworkPolicy')) {
    const selector = (
      m.kind === 'PodDisruptionBudget'
        ? spec<{ selector?: { matchLabels?: Record<string, string> } }>(m).selector
        : spec<{ podSelector?: { matchLabels?: Record<string, string> } }>(m).podSelector
    )?.matchLabels;
    // An empty podSelector of a NetworkPolicy means every pod of the namespace, on purpose.
    if (selector && Object.keys(selector).length > 0 && !selectsWorkload(selector))
      add(m, 'selector', `selector ${JSON.stringify(selector)} matches no workload's pods`);
  }
  return problems;
}
