import { WORKER_TO_MASTER_TYPES } from '@loadtest/protocol';
import { brokerNames, DEFAULT_BROKER_NAMESPACE } from './broker-names.js';

/** The user name the broker must not see in production: RabbitMQ's default account. */
export const GUEST_USER = 'guest';
export const MASTER_USER = 'master';
const WORKER_USER_PREFIX = 'worker-';

export type BrokerRole = 'master' | 'worker';

/** RabbitMQ's three regexes of one user on one vhost, plus its topic permissions on the one topic exchange. */
export interface BrokerPermissions {
  user: string;
  configure: string;
  write: string;
  read: string;
  /** Routing keys it may publish with (write) and bind with (read); null: every key. */
  topic: { exchange: string; write: string; read: string } | null;
}

export function workerUser(workerId: string): string {
  return `${WORKER_USER_PREFIX}${workerId}`;
}

/** The worker id a broker user stands for, or null for a user that is not a worker's (guest, master). */
export function workerIdOfUser(user: string): string | null {
  return user.startsWith(WORKER_USER_PREFIX) && user.length > WORKER_USER_PREFIX.length ? user.slice(WORKER_USER_PREFIX.length) : null;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function exactly(...names: string[]): string {
  return `^(${names.map(escapeRegex).join('|')})$`;
}

/**
 * What each user may do, the one source of the definitions file, the rabbitmqctl commands and the tests.
 * Master and workers share one topic exchange, so a worker's write on it is narrowed by topic permissions to the
 * worker → master routing keys, and its read (needed to bind its queue) to its own binding keys: it can neither
 * send to another worker nor bind its queue to another worker's messages. Binding needs read on the exchange and
 * write on the queue; declaring needs configure. A worker declares only its queue (configure on the exchange would
 * let it delete the exchange): it waits until the master or the definitions created it (`waitForExchange`).
 */
export function brokerPermissions(namespace: string = DEFAULT_BROKER_NAMESPACE, role: BrokerRole, workerId?: string): BrokerPermissions {
  const names = brokerNames(namespace);
  const ns = escapeRegex(namespace);
  if (role === 'master') {
    // The master declares the exchange, its queue and every worker's queue (it binds them before its first send).
    const objects = `^${ns}(\\.master|\\.worker\\..+)?$`;
    return { user: MASTER_USER, configure: objects, write: objects, read: exactly(names.exchange, names.masterQueue), topic: null };
  }
  if (!workerId) throw new Error('brokerPermissions: a worker role needs its worker id');
  const queue = names.workerQueue(workerId);
  return {
    user: workerUser(workerId),
    configure: exactly(queue),
    write: exactly(names.exchange, queue),
    read: exactly(names.exchange, queue),
    topic: {
      exchange: names.exchange,
      write: exactly(...WORKER_TO_MASTER_TYPES.map((type) => names.masterRoutingKey(type))),
      read: exactly(names.workerRoutingKey(workerId), names.broadcastBindingKey),
    },
  };
}
