import { createHash, randomBytes } from 'node:crypto';
import { brokerPermissions, type BrokerPermissions } from './broker-permissions.js';
import { brokerNames } from './broker-names.js';
import { MASTER_QUEUE_OPTIONS } from './topology.js';

/** The users of one installation: the master and each worker, with the passwords they connect with. */
export interface BrokerSetupInput {
  namespace: string;
  vhost: string;
  workerIds: string[];
  /** The master's user name (default `master`): installations that share a broker need different ones. */
  masterUser?: string | undefined;
}

function permissionsOf(input: BrokerSetupInput): BrokerPermissions[] {
  const master = brokerPermissions(input.namespace, 'master');
  return [{ ...master, user: input.masterUser ?? master.user }, ...input.workerIds.map((id) => brokerPermissions(input.namespace, 'worker', id))];
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ‖ sha256(salt ‖ password)) with a 4-byte salt. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  return Buffer.concat([
    salt,
    createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
      .digest(),
  ]).toString('base64');
}

/**
 * A definitions file RabbitMQ loads (load_definitions): vhost, users, permissions, and the exchange, so that a
 * worker — which may not declare it — need not wait for the master's first start. `passwordOf` gives each user's password.
 */
export function brokerDefinitions(input: BrokerSetupInput, passwordOf: (user: string) => string): Record<string, unknown> {
  const all = permissionsOf(input);
  const names = brokerNames(input.namespace);
  return {
    users: all.map((p) => ({
      name: p.user,
      password_hash: rabbitPasswordHash(passwordOf(p.user)),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: [],
    })),
    vhosts: [{ name: input.vhost }],
    permissions: all.map((p) => ({ user: p.user, vhost: input.vhost, configure: p.configure, write: p.write, read: p.read })),
    topic_permissions: all.flatMap((p) =>
      p.topic ? [{ user: p.user, vhost: input.vhost, exchange: p.topic.exchange, write: p.topic.write, read: p.topic.read }] : [],
    ),
    exchanges: [{ name: names.exchange, vhost: input.vhost, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} }],
    queues: [{ name: names.masterQueue, vhost: input.vhost, durable: MASTER_QUEUE_OPTIONS.durable ?? true, auto_delete: false, arguments: {} }],
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The environment variable holding a user's password, e.g. BROKER_PASSWORD_WORKER_W1. */
export function passwordVariable(user: string): string {
  return `BROKER_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * rabbitmqctl lines for a machine's broker. Passwords stay in environment variables (expanded by the shell that
 * runs the lines), so the lines can be printed, reviewed and kept. They cannot create the exchange: the master does,
 * and a worker started before it waits.
 */
export function brokerCommands(input: BrokerSetupInput): string[] {
  const vhost = shellQuote(input.vhost);
  const lines = [`rabbitmqctl add_vhost ${vhost}`];
  for (const p of permissionsOf(input)) {
    const user = shellQuote(p.user);
    lines.push(`rabbitmqctl add_user ${user} "$${passwordVariable(p.user)}"`);
    lines.push(`rabbitmqctl set_permissions -p ${vhost} ${user} ${shellQuote(p.configure)} ${shellQuote(p.write)} ${shellQuote(p.read)}`);
    if (p.topic)
      lines.push(
        `rabbitmqctl set_topic_permissions -p ${vhost} ${user} ${shellQuote(p.topic.exchange)} ${shellQuote(p.topic.write)} ${shellQuote(p.topic.read)}`,
      );
  }
  return lines;
}
