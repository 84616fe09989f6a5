import { randomUUID } from 'node:crypto';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { PROTOCOL_VERSION } from '@loadtest/protocol';
import { brokerNames } from '../src/index.js';
import amqplib from 'amqplib';
import { describe, expect, it } from '@jest/globals';
import { AmqpMasterTransport, AmqpWorkerTransport, type WorkerTransport } from '../src/index.js';
import { AMQP_URL, assignMessage, memoryLogger, until, windowMessage } from './helpers.js';
import { transportContract } from './transport-contract.js';

/** Removes a test namespace's exchange and queues from the real broker. */
async function deleteNamespace(namespace: string, workerIds: string[]): Promise<void> {
  const names = brokerNames(namespace);
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const id of workerIds) await channel.deleteQueue(names.workerQueue(id));
  await channel.deleteQueue(names.masterQueue);
  await channel.deleteExchange(names.exchange);
  await connection.close();
}

describe('AMQP transport (real RabbitMQ)', () => {
  transportContract(async (logger) => {
    const namespace = `test-${randomUUID()}`;
    const master = new AmqpMasterTransport(AMQP_URL, logger, {}, namespace);
    const workers: WorkerTransport[] = [];
    const ids: string[] = [];
    return {
      master,
      worker: (id) => {
        ids.push(id);
        const transport = new AmqpWorkerTransport(AMQP_URL, logger, {}, namespace);
        workers.push(transport);
        return transport;
      },
      sendRawToMaster: (content) => master.publishRaw('run.window', content),
      close: async () => {
        for (const w of workers) await w.close();
        await master.close();
        await deleteNamespace(namespace, ids);
      },
    };
  });

  it('acknowledges every handled message (in bulk, handled out of order, one failing once): a master taking over gets none of them again', async () => {
    const namespace = `test-${randomUUID()}`;
    const names = brokerNames(namespace);
    const { logger } = memoryLogger();
    const master = new AmqpMasterTransport(AMQP_URL, logger, {}, namespace);
    const handled = new Set<number>();
    let failedOnce = false;
    await master.listen(async (m) => {
      if (m.type !== 'run.window') return;
      // Finished in an order other than delivery's, as windows are when their batches commit.
      await new Promise((resolve) => setTimeout(resolve, (m.seq * 7) % 23));
      if (m.seq === 50 && !failedOnce) {
        failedOnce = true;
        throw new Error('database unavailable');
      }
      handled.add(m.seq);
    });
    const worker = new AmqpWorkerTransport(AMQP_URL, logger, {}, namespace);
    const connection = await amqplib.connect(AMQP_URL);
    try {
      await worker.listen('w', async () => undefined);
      for (let seq = 0; seq < 300; seq++) await worker.sendToMaster(windowMessage('w', seq));
      await until(() => handled.size === 300, 20_000);
      // Acknowledgements are sent after the handler: wait until the broker holds nothing unacknowledged for the master.
      await master.close();
      const queue = await (await connection.createChannel()).checkQueue(names.masterQueue);
      expect(queue.messageCount).toBe(0);
      expect(failedOnce).toBe(true);
    } finally {
      await connection.close();
      await worker.close();
      await deleteNamespace(namespace, ['w']);
    }
  }, 40_000);

  it('declares durable queues, one per worker, and keeps an assignment for a worker that is away', async () => {
    const namespace = `test-${randomUUID()}`;
    const names = brokerNames(namespace);
    const { logger } = memoryLogger();
    const master = new AmqpMasterTransport(AMQP_URL, logger, {}, namespace);
    await master.listen(async () => undefined);
    // The worker is not connected yet: the master declares its queue, so the assignment waits there.
    await master.sendToWorker(assignMessage('late-worker'));
    const connection = await amqplib.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const queue = await channel.checkQueue(names.workerQueue('late-worker'));
      expect(queue.messageCount).toBe(1);
      // Redeclaring a durable queue as non-durable is refused by the broker: the queues are durable.
      for (const queueName of [names.workerQueue('late-worker'), names.masterQueue]) {
        const probe = await connection.createChannel();
        probe.on('error', () => undefined);
        await expect(probe.assertQueue(queueName, { durable: false })).rejects.toThrow(/PRECONDITION_FAILED/);
      }
      const got: string[] = [];
      const worker = new AmqpWorkerTransport(AMQP_URL, logger, {}, namespace);
      await worker.listen('late-worker', async (m) => void got.push(m.type));
      await until(() => got.length === 1);
      expect(got).toEqual(['run.assign']);
      await worker.close();
    } finally {
      await connection.close();
      await master.close();
      await deleteNamespace(namespace, ['late-worker']);
    }
  });

  it('while the broker is away, drops heartbeats at once and keeps everything else for the reconnect', async () => {
    // A port with nothing behind it: the connection manager keeps trying, as during an outage.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { logger } = memoryLogger();
    const url = `amqp://guest:guest@127.0.0.1:${port}`;
    const worker = new AmqpWorkerTransport(url, logger, {}, `test-${randomUUID()}`);
    const master = new AmqpMasterTransport(url, logger, {}, `test-${randomUUID()}`);
    void master.listen(async () => undefined).catch(() => undefined);
    const settledWithin = async (promise: Promise<void>, ms: number) =>
      Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
    try {
      const heartbeat = worker.sendToMaster({
        v: PROTOCOL_VERSION,
        type: 'worker.heartbeat',
        sentAt: Date.now(),
        workerId: 'w',
        activity: 'idle',
        runId: null,
      });
      const masterHeartbeat = master.broadcast({ v: PROTOCOL_VERSION, type: 'master.heartbeat', sentAt: Date.now(), masterId: 'm' });
      const state = worker.sendToMaster({
        v: PROTOCOL_VERSION,
        type: 'run.state',
        sentAt: Date.now(),
        runId: 'r',
        workerId: 'w',
        state: 'finished',
        windows: 1,
      });
      state.catch(() => undefined);
      expect(await settledWithin(heartbeat, 500)).toBe(true);
      expect(await settledWithin(masterHeartbeat, 500)).toBe(true);
      // The run's end is kept, waiting for a broker.
      expect(await settledWithin(state, 500)).toBe(false);
    } finally {
      await worker.close().catch(() => undefined);
      await master.close().catch(() => undefined);
    }
  });

  it('publishes again, once connected, a window whose confirm the broker never sent before the connection dropped', async () => {
    // A proxy in front of the broker that can hold back what the broker sends (its confirms) and cut every connection.
    const sockets = new Set<Socket>();
    let holdBrokerReplies = false;
    const proxy = createServer((client) => {
      const broker = connectTcp(5672, '127.0.0.1');
      sockets.add(client).add(broker);
      client.pipe(broker);
      broker.on('data', (chunk: Buffer) => void (holdBrokerReplies || client.write(chunk)));
      for (const socket of [client, broker]) {
        socket.on('error', () => undefined);
        socket.on('close', () => (client.destroy(), broker.destroy(), sockets.delete(socket)));
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    const namespace = `test-${randomUUID()}`;
    const { logger } = memoryLogger();
    const master = new AmqpMasterTransport(AMQP_URL, logger, {}, namespace);
    const received = new Set<number>();
    await master.listen(async (m) => void (m.type === 'run.window' && received.add(m.seq)));
    const worker = new AmqpWorkerTransport(`amqp://guest:guest@127.0.0.1:${port}`, logger, {}, namespace);
    try {
      await worker.listen('w', async () => undefined);
      await worker.sendToMaster(windowMessage('w', 0));
      holdBrokerReplies = true;
      const outcomes = [1, 2, 3, 4, 5].map((seq) =>
        worker.sendToMaster(windowMessage('w', seq)).then(
          () => 'confirmed',
          (err: Error) => err.message,
        ),
      );
      // The windows reach the broker; their confirms do not reach the worker before the connection drops.
      await until(() => received.size === 6);
      for (const socket of sockets) socket.destroy();
      holdBrokerReplies = false;
      // Reconnected through the proxy, the worker publishes them again and gets its confirms. The broker may hold a
      // window twice now; the master's store takes each (run, share, seq) once.
      expect(await Promise.all(outcomes)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed']);
      expect([...received].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await worker.close().catch(() => undefined);
      await master.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await deleteNamespace(namespace, ['w']);
    }
  }, 30_000);
});
