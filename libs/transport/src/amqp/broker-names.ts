import type { MasterHeartbeat, MasterToOneWorker, RunAssignAll, WorkerToMaster } from '@loadtest/protocol';

/**
 * Names of the broker objects. Everything lives under one namespace (default
 * `loadtest`), so several installations — or test runs — can share a broker.
 */
export interface BrokerNames {
  /** The one topic exchange every message goes through. */
  exchange: string;
  /** The master's durable queue; it receives every worker → master message type. */
  masterQueue: string;
  /** Each worker has its own durable queue; assignments never share a queue. */
  workerQueue(workerId: string): string;
  /** Binding key of a worker's queue, or the routing key of one message to it. */
  workerRoutingKey(workerId: string, message?: MasterToOneWorker): string;
  /** Every worker's queue is bound with this too: one message the master sends reaches them all. */
  broadcastBindingKey: string;
  broadcastRoutingKey(message: MasterHeartbeat | RunAssignAll): string;
  /** Worker → master messages are routed by their type. */
  masterRoutingKey(message: WorkerToMaster | WorkerToMaster['type']): string;
}

export const DEFAULT_BROKER_NAMESPACE = 'loadtest';

/**
 * A worker id as one word of a topic routing key: its dots (allowed in ids: host names) become `~` (never in an id),
 * or worker `a`'s binding `to-worker.a.#` would also match the messages to worker `a.b`.
 */
const routingWord = (workerId: string): string => workerId.replaceAll('.', '~');

export function brokerNames(namespace: string = DEFAULT_BROKER_NAMESPACE): BrokerNames {
  if (!/^[A-Za-z0-9_-]+$/.test(namespace)) throw new Error(`broker namespace "${namespace}" may hold only letters, digits, _ and -`);
  return {
    exchange: namespace,
    masterQueue: `${namespace}.master`,
    workerQueue: (workerId) => `${namespace}.worker.${workerId}`,
    workerRoutingKey: (workerId, message) => (message ? `to-worker.${routingWord(workerId)}.${message.type}` : `to-worker.${routingWord(workerId)}.#`),
    broadcastBindingKey: 'to-workers.all.#',
    broadcastRoutingKey: (message) => `to-workers.all.${message.type}`,
    masterRoutingKey: (message) => (typeof message === 'string' ? message : message.type),
  };
}
