import { fileURLToPath } from 'node:url';
import { checkManifests } from './check.js';
import { overlaysOf, renderOverlay } from './render.js';

/** `npm run k8s:check`: renders every overlay of deployments/k8s and checks it; exit 1 with each problem named. */
const K8S_DIR = fileURLToPath(new URL('../../../deployments/k8s/', import.meta.url));

let failed = false;
for (const overlay of overlaysOf(K8S_DIR)) {
  const manifests = renderOverlay(K8S_DIR, overlay);
  const problems = checkManifests(manifests);
  process.stdout.write(`${overlay}: ${manifests.length} objects, ${problems.length} problems\n`);
  for (const p of problems) process.stdout.write(`  ${p.object}: [${p.rule}] ${p.message}\n`);
  failed ||= problems.length > 0;
}
process.exitCode = failed ? 1 : 0;
