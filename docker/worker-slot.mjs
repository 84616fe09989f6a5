// Compose's scaled workers (`docker compose up --scale worker=N`) are identical replicas, but each worker needs its
// own broker user, `worker-<id>` (deployments/rabbitmq/README.md), and compose tells a replica neither its index nor
// its name. So each replica takes a free identity itself: WORKER_SLOTS_DIR holds one broker URL file per worker id
// (`npm run broker -- k8s-secrets` writes worker-0, worker-1, …), and WORKER_CLAIMS_DIR, a volume the replicas share,
// records who took which: `mkdir` is atomic, so two replicas starting together never take the same one. A restarted
// container (same hostname) takes its own again; a claim whose owner stopped refreshing it (a removed replica) is
// taken over after WORKER_CLAIM_STALE_MS. Then it sets WORKER_ID and AMQP_URL_FILE and runs the worker in-process.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How often a worker marks its claim as alive, and how old a mark may get before another replica takes the slot. */
export const CLAIM_REFRESH_MS = 5_000;
const DEFAULT_STALE_MS = 30_000;

function ownerOf(claim) {
  try {
    return readFileSync(join(claim, 'owner'), 'utf8').trim();
  } catch {
    return '';
  }
}

function ageMs(claim, now) {
  try {
    return now - statSync(join(claim, 'owner')).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * The worker id this replica runs as: its own earlier claim, else the first free slot, else the first stale one.
 * Throws, naming the slots, when every one is held by a live replica.
 */
export function claimSlot({ slotsDir, claimsDir, owner, staleMs = DEFAULT_STALE_MS, now = Date.now() }) {
  const ids = readdirSync(slotsDir)
    .filter((name) => !name.startsWith('.'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (ids.length === 0) throw new Error(`no worker slots in ${slotsDir}: write them with npm run broker -- k8s-secrets (docker/README.md)`);
  mkdirSync(claimsDir, { recursive: true });
  const take = (id) => {
    writeFileSync(join(claimsDir, id, 'owner'), owner);
    return id;
  };
  const mine = ids.find((id) => ownerOf(join(claimsDir, id)) === owner);
  if (mine) return take(mine);
  for (const id of ids) {
    try {
      mkdirSync(join(claimsDir, id));
      return take(id);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  for (const id of ids) {
    const claim = join(claimsDir, id);
    if (ageMs(claim, now) < staleMs) continue;
    // rename is atomic too: of two replicas taking over the same stale claim, one moves it and the other fails.
    const moved = `${claim}.stale-${owner}`;
    try {
      renameSync(claim, moved);
    } catch {
      continue;
    }
    rmSync(moved, { recursive: true, force: true });
    try {
      mkdirSync(claim);
      return take(id);
    } catch {
      continue;
    }
  }
  throw new Error(`every worker slot (${ids.join(', ')}) is held by a running worker: write more with npm run broker -- k8s-secrets --workers N`);
}

/** Keeps the claim's mark fresh while the worker runs (the timer does not keep the process alive). */
export function keepClaim(claimsDir, id) {
  const file = join(claimsDir, id, 'owner');
  const timer = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // The claims volume went away: the worker runs on; another replica may take the slot after staleMs.
    }
  }, CLAIM_REFRESH_MS);
  timer.unref();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const slotsDir = process.env.WORKER_SLOTS_DIR;
  const claimsDir = process.env.WORKER_CLAIMS_DIR;
  if (!slotsDir || !claimsDir) {
    process.stderr.write('worker-slot: WORKER_SLOTS_DIR and WORKER_CLAIMS_DIR must be set\n');
    process.exit(2);
  }
  let id;
  try {
    id = claimSlot({ slotsDir, claimsDir, owner: hostname(), staleMs: Number(process.env.WORKER_CLAIM_STALE_MS) || DEFAULT_STALE_MS });
  } catch (error) {
    process.stderr.write(`worker-slot: ${error.message}\n`);
    process.exit(2);
  }
  keepClaim(claimsDir, id);
  // The slot's file is named after the pod-style id (worker-0), and its broker user is worker-<id>.
  process.env.WORKER_ID = id;
  process.env.AMQP_URL_FILE = join(slotsDir, id);
  process.stdout.write(`worker-slot: running as ${id}\n`);
  await import(new URL('./main.js', import.meta.url).href);
}
