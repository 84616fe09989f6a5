import type { MasterToWorker, WorkerToMaster } from './messages/index.js';

/** The one topic exchange every message goes through. */
export const EXCHANGE = 'loadtest';
/** The master's durable queue; it receives every worker → master message type. */
export const MASTER_QUEUE = 'loadtest.master';

/** Worker → master messages are routed by their type. */
export function masterRoutingKey(message: WorkerToMaster): string {
  return message.type;
}

/** Each worker has its own durable queue; assignments never share a queue. */
export function workerQueue(workerId: string): string {
  return `loadtest.worker.${workerId}`;
}

export function workerRoutingKey(workerId: string, message?: MasterToWorker): string {
  return message ? `to-worker.${workerId}.${message.type}` : `to-worker.${workerId}.#`;
}
