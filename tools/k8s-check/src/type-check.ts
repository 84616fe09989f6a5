import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nameOf, type Manifest, type Problem } from './manifest.js';

/** Where each kind's interface is, in kubernetes-models. */
const TYPES: Record<string, { module: string; type: string }> = {
  'v1/Namespace': { module: 'kubernetes-models/v1', type: 'INamespace' },
  'v1/Service': { module: 'kubernetes-models/v1', type: 'IService' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1', type: 'IConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1', type: 'ISecret' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1', type: 'IDeployment' },
  'apps/v1/StatefulSet': { module: 'kubernetes-models/apps/v1', type: 'IStatefulSet' },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1', type: 'IPodDisruptionBudget' },
  'networking.k8s.io/v1/NetworkPolicy': { module: 'kubernetes-models/networking.k8s.io/v1', type: 'INetworkPolicy' },
};

const TOOL_DIR = fileURLToPath(new URL('../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Each object as a TypeScript object literal typed with kubernetes-models' interface, compiled strictly: an unknown
 * or misspelled field (`contianers`, `resouces`) is an excess property, which the JSON schemas let through. One
 * tsc run for all the objects (about 3 s).
 */
export function typeProblems(manifests: readonly Manifest[]): Problem[] {
  const known = manifests.filter((m) => TYPES[`${m.apiVersion}/${m.kind}`]);
  const imports = new Map<string, Set<string>>();
  const lines: string[] = [];
  const startLine: number[] = [];
  for (const [i, manifest] of known.entries()) {
    const { module, type } = TYPES[`${manifest.apiVersion}/${manifest.kind}`]!;
    if (!imports.has(module)) imports.set(module, new Set());
    imports.get(module)!.add(type);
    startLine.push(lines.length);
    lines.push(...`export const o${i}: ${type} = ${JSON.stringify(manifest, null, 1)};`.split('\n'));
  }
  const header = [...imports].map(([module, types]) => `import type { ${[...types].join(', ')} } from '${module}';`);
  const source = [...header, ...lines].join('\n');
  // Inside the tool's folder, so that kubernetes-models resolves from its node_modules.
  const dir = mkdtempSync(join(TOOL_DIR, '.type-check-'));
  try {
    writeFileSync(join(dir, 'objects.ts'), source);
    const args = [TSC, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'objects.ts'];
    try {
      execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      return [];
    } catch (error) {
      const output = String((error as { stdout?: string }).stdout ?? error);
      return output
        .split('\n')
        .map((line) => /^objects\.ts\((\d+),\d+\): error TS\d+: (.*)$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => {
          const line = Number(match[1]) - 1 - header.length;
          let index = 0;
          while (index + 1 < startLine.length && startLine[index + 1]! <= line) index++;
          return { object: nameOf(known[index]!), rule: 'types', message: match[2]! };
        });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
