import { execFileSync, spawnSync } from 'node:child_process';
import type { Logger } from 'pino';

/** The programs the benchmark needs, installed from Debian's packages when missing. */

export function commandExists(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Installs nginx and wrk with apt-get if missing (root only; bounded in time); throws when a tool stays missing. */
export function ensureTools(install: boolean, logger: Logger): void {
  for (const basic of ['taskset', 'bash', 'pgrep']) {
    if (!commandExists(basic)) throw new Error(`${basic} is missing (util-linux / procps)`);
  }
  const missing = ['nginx', 'wrk'].filter((t) => !commandExists(t));
  if (missing.length === 0) return;
  if (!install) throw new Error(`missing: ${missing.join(', ')} (apt-get install -y nginx wrk; or leave out --no-install)`);
  if (process.getuid?.() !== 0)
    throw new Error(`missing: ${missing.join(', ')}; run as root to let the benchmark install them, or apt-get install -y nginx wrk`);
  logger.info({ missing }, 'installing nginx and wrk from Debian packages (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2], env, timeout: 600_000 });
  execFileSync('apt-get', ['install', '-y', '-qq', 'nginx', 'wrk'], { stdio: ['ignore', 2, 2], env, timeout: 900_000 });
  const still = ['nginx', 'wrk'].filter((t) => !commandExists(t));
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.join(', ')}`);
}

/** `nginx -v` (it prints to stderr), e.g. "1.22.1". */
export function nginxVersion(): string | null {
  const r = spawnSync('nginx', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return /nginx\/(\S+)/.exec(`${r.stderr}${r.stdout}`)?.[1] ?? null;
}

/** wrk's version line, e.g. "wrk debian/4.1.0-3+b2 [epoll] …". */
export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return /^(wrk .*?)\s*$/m.exec(`${r.stdout}${r.stderr}`)?.[1]?.replace(/\s+Copyright.*$/, '') ?? null;
}

/** The CPUs this process may run on (its affinity), e.g. [0, 1]. */
export function allowedCpus(): number[] | null {
  try {
    const out = execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8', timeout: 10_000 });
    const list = /:\s*([\d,\-\s]+)$/.exec(out.trim())?.[1];
    if (!list) return null;
    const cpus: number[] = [];
    for (const part of list.split(',')) {
      const [lo, hi] = part.trim().split('-').map(Number);
      if (lo === undefined || !Number.isInteger(lo)) continue;
      for (let c = lo; c <= (hi ?? lo) && c - lo < 4096; c++) cpus.push(c);
    }
    return cpus;
  } catch {
    return null;
  }
}
