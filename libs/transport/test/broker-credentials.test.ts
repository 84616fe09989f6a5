import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkerToMaster } from '@loadtest/protocol';
import { AmqpMasterTransport, AmqpWorkerTransport, brokerCommands, brokerNames, brokerPermissions, MASTER_USER, workerUser } from '../src/index.js';
import { assignMessage, memoryLogger, until, windowMessage } from './helpers.js';

const run = promisify(execFile);
const HOST = process.env.TEST_AMQP_HOST ?? '127.0.0.1:5672';
// rabbitmqctl takes about a second a call, more on a busy machine.
const SETUP_TIMEOUT_MS = 120_000;

async function rabbitmqctl(...args: string[]): Promise<void> {
  try {
    await run('rabbitmqctl', args, { timeout: 60_000 });
  } catch (error) {
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${String(error)}`, { cause: error });
  }
}

/** A unique vhost with the master and workers A, B as brokerPermissions describes them; removed afterwards. */
const vhost = `loadtest-test-${randomUUID()}`;
const names = brokerNames('loadtest');
const passwords = new Map<string, string>();
const A = `a-${randomBytes(3).toString('hex')}`;
const B = `b-${randomBytes(3).toString('hex')}`;
// Not `master`: a test must not touch a user the machine's broker may really have.
const MASTER = `${MASTER_USER}-test-${randomBytes(3).toString('hex')}`;

function url(user: string): string {
  return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(passwords.get(user) ?? '')}@${HOST}/${encodeURIComponent(vhost)}`;
}

/** Runs the same lines `tools/broker` prints, with the passwords passed as arguments instead of variables. */
async function applyCommands(): Promise<void> {
  await rabbitmqctl('add_vhost', vhost);
  const master = { ...brokerPermissions('loadtest', 'master'), user: MASTER };
  for (const p of [master, brokerPermissions('loadtest', 'worker', A), brokerPermissions('loadtest', 'worker', B)]) {
    passwords.set(p.user, randomBytes(12).toString('hex'));
    await rabbitmqctl('add_user', p.user, passwords.get(p.user) ?? '');
    await rabbitmqctl('set_permissions', '-p', vhost, p.user, p.configure, p.write, p.read);
    if (p.topic) await rabbitmqctl('set_topic_permissions', '-p', vhost, p.user, p.topic.exchange, p.topic.write, p.topic.read);
  }
}

/** Opens a raw channel as `user` and reports the error that closes it, if any. */
async function rawChannel(user: string): Promise<{ connection: ChannelModel; channel: Channel; closedBy: () => Error | undefined }> {
  const connection = await amqplib.connect(url(user));
  const channel = await connection.createConfirmChannel();
  let error: Error | undefined;
  channel.on('error', (e: Error) => (error = e));
  return { connection, channel, closedBy: () => error };
}

describe('broker credentials (real RabbitMQ)', () => {
  const { logger, records } = memoryLogger();
  const received: WorkerToMaster[] = [];
  const assignedToA: string[] = [];
  let master: AmqpMasterTransport;
  let workerA: AmqpWorkerTransport;
  let workerB: AmqpWorkerTransport;

  beforeAll(async () => {
    await applyCommands();
    // B starts before the master: it may not declare the exchange, so it waits for the master to.
    workerB = new AmqpWorkerTransport(url(workerUser(B)), logger, {});
    const bListening = workerB.listen(B, async () => undefined);
    await until(() => records.some((r) => String(r.msg).startsWith('broker exchange does not exist yet')), 30_000);
    master = new AmqpMasterTransport(url(MASTER), logger, {});
    await master.listen(async (message) => void received.push(message));
    await bListening;
    workerA = new AmqpWorkerTransport(url(workerUser(A)), logger, {});
    await workerA.listen(A, async (message) => void assignedToA.push(message.type));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await workerA?.close();
    await workerB?.close();
    await master?.close();
    // delete_vhost takes its exchange and queues with it.
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
    for (const user of passwords.keys()) await rabbitmqctl('delete_user', user).catch(() => undefined);
  }, SETUP_TIMEOUT_MS);

  it('lets a worker use its own path: the master receives its window and it receives its assignment', async () => {
    await workerA.sendToMaster(windowMessage(A, 1));
    await until(() => received.some((m) => m.type === 'run.window' && m.workerId === A), 15_000);
    await master.sendToWorker(assignMessage(A));
    await until(() => assignedToA.includes('run.assign'), 15_000);
  }, 30_000);

  it("refuses a worker's credentials on another worker's queue", async () => {
    const { connection, channel } = await rawChannel(workerUser(A));
    await expect(channel.consume(names.workerQueue(B), () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    await connection.close().catch(() => undefined);
  });

  it("refuses binding a worker's queue to another worker's messages, and publishing to another worker", async () => {
    const bind = await rawChannel(workerUser(A));
    await expect(bind.channel.bindQueue(names.workerQueue(A), names.exchange, names.workerRoutingKey(B))).rejects.toThrow(/ACCESS_REFUSED/);
    await bind.connection.close().catch(() => undefined);

    const publish = await rawChannel(workerUser(A));
    publish.channel.publish(names.exchange, names.workerRoutingKey(B, assignMessage(B)), Buffer.from('{}'));
    await until(() => publish.closedBy() !== undefined, 15_000);
    expect(String(publish.closedBy())).toMatch(/ACCESS_REFUSED/);
    await publish.connection.close().catch(() => undefined);
  }, 30_000);

  it("refuses a message whose user_id is another worker's (the broker's own check)", async () => {
    const { connection, channel, closedBy } = await rawChannel(workerUser(A));
    channel.publish(names.exchange, names.masterRoutingKey('run.window'), Buffer.from(JSON.stringify(windowMessage(B, 7))), { userId: workerUser(B) });
    await until(() => closedBy() !== undefined, 15_000);
    expect(String(closedBy())).toMatch(/PRECONDITION_FAILED.*user_id/);
    await connection.close().catch(() => undefined);
    // A window A sends afterwards arrives; B's never did.
    await workerA.sendToMaster(windowMessage(A, 8));
    await until(() => received.some((m) => m.type === 'run.window' && m.seq === 8), 15_000);
    expect(received.some((m) => m.type === 'run.window' && m.seq === 7)).toBe(false);
  }, 30_000);

  it("drops a window whose workerId is not its user_id, or that has no user_id (the master's check)", async () => {
    const { connection, channel } = await rawChannel(workerUser(A));
    channel.publish(names.exchange, names.masterRoutingKey('run.window'), Buffer.from(JSON.stringify(windowMessage(B, 20))), { userId: workerUser(A) });
    channel.publish(names.exchange, names.masterRoutingKey('run.window'), Buffer.from(JSON.stringify(windowMessage(A, 21))));
    await (channel as amqplib.ConfirmChannel).waitForConfirms();
    await connection.close();
    await until(() => records.filter((r) => r.msg === 'refused worker message: sender is not the worker it names').length >= 2, 15_000);
    const refused = records.filter((r) => r.msg === 'refused worker message: sender is not the worker it names');
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: workerUser(A), workerId: B }),
        expect.objectContaining({ workerId: A, reason: 'message has no user_id' }),
      ]),
    );
    // Both were acknowledged and dropped, not handed on.
    await workerA.sendToMaster(windowMessage(A, 22));
    await until(() => received.some((m) => m.type === 'run.window' && m.seq === 22), 15_000);
    expect(received.some((m) => m.type === 'run.window' && (m.seq === 20 || m.seq === 21))).toBe(false);
  }, 30_000);

  it("logs a master channel whose setup the broker refuses (a worker's user has no rights on the master's queue), instead of ending the process", async () => {
    const { logger: refusedLogger, records: refusedRecords } = memoryLogger();
    const wrong = new AmqpMasterTransport(url(workerUser(B)), refusedLogger, {});
    // listen() waits for a channel that never sets up: it is not awaited.
    void wrong.listen(async () => undefined).catch(() => undefined);
    try {
      await until(() => refusedRecords.some((r) => r.msg === 'broker channel setup failed'), 30_000);
    } finally {
      await wrong.close();
    }
  });

  it('prints the same permissions as rabbitmqctl lines, with passwords left in variables', () => {
    const lines = brokerCommands({ namespace: 'loadtest', vhost: 'loadtest', workerIds: [A] });
    expect(lines).toContain(`rabbitmqctl add_user 'worker-${A}' "$BROKER_PASSWORD_WORKER_${A.toUpperCase().replace(/-/g, '_')}"`);
    expect(lines.join('\n')).not.toMatch(/guest/);
  });
});
