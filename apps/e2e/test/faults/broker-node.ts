import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@loadtest/process';
import { sleep } from '../harness.js';

/**
 * A private RabbitMQ node for the fault tests: they stop and start the broker,
 * which the other suites share on 5672 and must never see go away. Its own
 * node name, AMQP and distribution ports, and data directory; `shutdown()`
 * stops the node and removes the directory.
 */
export interface BrokerNode {
  /** Erlang node name, e.g. `lt-fault-1a2b3c4d@localhost`. */
  readonly node: string;
  readonly port: number;
  /** AMQP URL of the node (guest is allowed from anywhere: loopback_users = none). */
  readonly url: string;
  readonly dir: string;
  /** `rabbitmqctl stop_app`: the broker closes every connection and stops listening, the Erlang node stays up. Returns how long it took, in ms. */
  stopApp(): Promise<number>;
  /** `rabbitmqctl start_app`: the broker listens again with its durable queues and persistent messages. Returns how long it took, in ms. */
  startApp(): Promise<number>;
  /** Stops the node and removes its directory; safe to call twice. */
  shutdown(): Promise<void>;
}

/** Enough for a node start on a busy 2-core machine (~5 s when idle). */
const STARTUP_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 30_000;

/** Runs a command without blocking the test's event loop (the target lives in it); rejects with its output on failure. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

/** The RabbitMQ scripts live in /usr/sbin, which a non-login PATH may lack. */
async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/lib/rabbitmq/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** The node's own log, to explain a start that failed. */
async function logTail(dir: string): Promise<string> {
  try {
    const logDir = join(dir, 'log');
    const texts = await Promise.all(
      (await readdir(logDir)).map(async (f) => `--- ${f}\n${(await readFile(join(logDir, f), 'utf8')).split('\n').slice(-30).join('\n')}`),
    );
    return texts.join('\n');
  } catch (error) {
    return `(no log: ${(error as Error).message})`;
  }
}

/**
 * Starts a private node and waits until it accepts connections. Fails (never
 * skips) when it cannot: the fault tests need root (the server scripts switch
 * to the rabbitmq user, which must own the node's directory) and an installed
 * rabbitmq-server.
 */
export async function startBrokerNode(prefix = 'lt-fault'): Promise<BrokerNode> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the fault tests start a private RabbitMQ node and must run as root (uid is ${process.getuid?.()}): rabbitmq-server switches to the rabbitmq user`,
    );
  }
  const server = await findExecutable('rabbitmq-server');
  const ctl = await findExecutable('rabbitmqctl');
  if (!server || !ctl)
    throw new Error('the fault tests need RabbitMQ installed (rabbitmq-server and rabbitmqctl not found in PATH, /usr/sbin or /usr/lib/rabbitmq/bin)');

  const node = `${prefix}-${randomUUID().slice(0, 8)}@localhost`;
  const port = await freePort();
  let distPort = await freePort();
  while (distPort === port) distPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-rabbit-`));
  await mkdir(join(dir, 'mnesia'));
  await mkdir(join(dir, 'log'));
  // /etc/rabbitmq/rabbitmq.conf listens on 5672: this node gets a config of its own.
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
  await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]);

  const ctlArgs = (...args: string[]) => ['-n', node, ...args];
  let down = false;
  const shutdown = async () => {
    if (down) return;
    down = true;
    try {
      await run(ctl, ctlArgs('stop'));
    } catch {
      // Not started, or not answering: kill it by the pid file the server wrote (RABBITMQ_PID_FILE's default).
      const pidFile = join(dir, 'mnesia', `${node}.pid`);
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  const env = {
    ...process.env,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    // The environment wins over the NODENAME of /etc/rabbitmq/rabbitmq-env.conf.
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    // A file that does not exist: no plugins (no management listener on a shared port).
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'plugins'),
  };
  // `-detached` returns before the node has registered with epmd, and await_startup fails at once on a
  // node it cannot find: ask again until it answers.
  const awaitStartup = async () => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      try {
        await run(ctl, ctlArgs('await_startup'), process.env, Math.max(1000, deadline - Date.now()));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  };
  try {
    await run(server, ['-detached'], env);
    await awaitStartup();
  } catch (error) {
    const log = await logTail(dir);
    await shutdown();
    throw new Error(`cannot start the private RabbitMQ node ${node} on port ${port}: ${(error as Error).message}\n${log}`);
  }

  const timed = async (command: string) => {
    const began = performance.now();
    await run(ctl, ctlArgs(command));
    return Math.round(performance.now() - began);
  };
  return {
    node,
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    dir,
    stopApp: () => timed('stop_app'),
    startApp: () => timed('start_app'),
    shutdown,
  };
}
