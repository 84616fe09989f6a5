import { WORKER_TO_MASTER_TYPES } from '@loadtest/protocol';
import { type BrokerNames } from './broker-names.js';
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

export async function assertExchange(channel: ConfirmChannel, names: BrokerNames): Promise<void> {
  await channel.assertExchange(names.exchange, 'topic', { durable: true });
}

export async function assertMasterQueue(channel: ConfirmChannel, names: BrokerNames): Promise<void> {
  await assertExchange(channel, names);
  await channel.assertQueue(names.masterQueue, MASTER_QUEUE_OPTIONS);
  for (const type of WORKER_TO_MASTER_TYPES) {
    await channel.bindQueue(names.masterQueue, names.exchange, names.masterRoutingKey(type));
  }
}

/**
 * The master declares the exchange. A worker with its own credentials may not (configure would let it delete the
 * exchange too): it waits for it first (`waitForExchange`) and then declares only its queue.
 */
export async function assertWorkerQueue(channel: ConfirmChannel, names: BrokerNames, workerId: string, declareExchange = true): Promise<void> {
  if (declareExchange) await assertExchange(channel, names);
  await channel.assertQueue(names.workerQueue(workerId), WORKER_QUEUE_OPTIONS);
  await channel.bindQueue(names.workerQueue(workerId), names.exchange, names.workerRoutingKey(workerId));
  await channel.bindQueue(names.workerQueue(workerId), names.exchange, names.broadcastBindingKey);
}
