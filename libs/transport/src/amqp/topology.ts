import { EXCHANGE, MASTER_QUEUE, WORKER_TO_MASTER_TYPES, workerQueue, workerRoutingKey } from '@loadtest/protocol';
import type { ConfirmChannel, Options } from 'amqplib';

/**
 * A worker's queue outlives a broker restart (durable) and a short worker
 * restart, but is removed after an hour without a consumer so that workers
 * that are gone for good leave nothing behind. Master and worker must declare
 * it with identical arguments.
 */
export const WORKER_QUEUE_OPTIONS: Options.AssertQueue = {
  durable: true,
  arguments: { 'x-expires': 3_600_000 },
};

export const MASTER_QUEUE_OPTIONS: Options.AssertQueue = { durable: true };

/** Heartbeats are worthless once stale; let the broker drop them instead of piling them up. */
export const HEARTBEAT_EXPIRATION_MS = 10_000;

export async function assertExchange(channel: ConfirmChannel): Promise<void> {
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
}

export async function assertMasterQueue(channel: ConfirmChannel): Promise<void> {
  await assertExchange(channel);
  await channel.assertQueue(MASTER_QUEUE, MASTER_QUEUE_OPTIONS);
  for (const type of WORKER_TO_MASTER_TYPES) {
    await channel.bindQueue(MASTER_QUEUE, EXCHANGE, type);
  }
}

export async function assertWorkerQueue(channel: ConfirmChannel, workerId: string): Promise<void> {
  await assertExchange(channel);
  await channel.assertQueue(workerQueue(workerId), WORKER_QUEUE_OPTIONS);
  await channel.bindQueue(workerQueue(workerId), EXCHANGE, workerRoutingKey(workerId));
}
