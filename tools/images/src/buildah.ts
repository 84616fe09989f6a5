import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every buildah call uses the vfs driver: it works without overlay or fuse support, as on CI's machines. */
export const BUILDAH = ['buildah', '--storage-driver', 'vfs'] as const;

export async function buildah(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run(BUILDAH[0], [...BUILDAH.slice(1), ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** A container of `image` (never pulled), named so that a leftover is recognisable. */
export async function newContainer(image: string, name: string): Promise<string> {
  await buildah(['rm', name]).catch(() => undefined);
  return buildah(['from', '--pull-never', '--name', name, image]);
}

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Stops the process group it leads (buildah run and the container's process), waiting at most `ms`. */
  stop(ms?: number): Promise<void>;
}

/** The command the image runs (its CMD): `buildah run` needs it spelled out, it does not read it itself. */
export async function imageCommand(image: string): Promise<string[]> {
  const config = JSON.parse(await buildah(['inspect', '--type', 'image', image])) as { Docker: { config: { Cmd?: string[]; Entrypoint?: string[] } } };
  return [...(config.Docker.config.Entrypoint ?? []), ...(config.Docker.config.Cmd ?? [])];
}

/**
 * `buildah run` in the background, on the host's network (so 127.0.0.1 is the machine's: RabbitMQ, PostgreSQL, the
 * target), with the image's own user and working directory.
 */
export function runContainer(container: string, env: Record<string, string>, command: string[], volumes: string[] = []): Running {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const volumeArgs = volumes.flatMap((v) => ['--volume', v]);
  const args = [...BUILDAH.slice(1), 'run', '--isolation', 'chroot', '--network', 'host', ...envArgs, ...volumeArgs, container, '--', ...command];
  // Its own process group: stopping it reaches the container's process, which buildah does not forward to.
  const child = spawn(BUILDAH[0], args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => text,
    async stop(ms = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    },
  };
}
