import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { PROTOCOL_VERSION, type WorkerToMaster } from '@loadtest/protocol';
import { AmqpMasterTransport, AmqpWorkerTransport, brokerDefinitions, workerUser } from '@loadtest/transport';

const run = promisify(execFile);
const HOST = process.env.TEST_AMQP_HOST ?? '127.0.0.1:5672';

async function rabbitmqctl(...args: string[]): Promise<string> {
  try {
    return (await run('rabbitmqctl', args, { timeout: 60_000 })).stdout;
  } catch (error) {
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${String(error)}`, { cause: error });
  }
}

describe('definitions file (real RabbitMQ)', () => {
  const vhost = `loadtest-test-${randomUUID()}`;
  const worker = `w-${randomBytes(3).toString('hex')}`;
  // Unique users: importing definitions must not overwrite a user the machine's broker really has.
  const masterUser = `master-test-${randomBytes(3).toString('hex')}`;
  const passwords = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), 'broker-definitions-'));
  const url = (user: string) => `amqp://${encodeURIComponent(user)}:${encodeURIComponent(passwords.get(user) ?? '')}@${HOST}/${encodeURIComponent(vhost)}`;

  afterAll(async () => {
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
    for (const user of passwords.keys()) await rabbitmqctl('delete_user', user).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('creates users whose passwords work, and the exchange, so a worker may start before the master', async () => {
    const definitions = brokerDefinitions({ namespace: 'loadtest', vhost, workerIds: [worker], masterUser }, (user) => {
      passwords.set(user, randomBytes(12).toString('hex'));
      return passwords.get(user) ?? '';
    });
    // Run as root, rabbitmqctl reads the file as the rabbitmq user: the directory and file must be readable to it.
    chmodSync(dir, 0o755);
    const file = join(dir, 'definitions.json');
    writeFileSync(file, JSON.stringify(definitions), { mode: 0o644 });
    await rabbitmqctl('import_definitions', file);
    // The import runs in the background: wait until the worker's permissions exist.
    const imported = Date.now() + 60_000;
    while (!(await rabbitmqctl('list_permissions', '-p', vhost).catch(() => '')).includes(workerUser(worker))) {
      if (Date.now() > imported) throw new Error(`definitions for vhost ${vhost} not imported within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const logger = pino({ level: 'silent' });
    const workerTransport = new AmqpWorkerTransport(url(workerUser(worker)), logger);
    const master = new AmqpMasterTransport(url(masterUser), logger);
    try {
      // The worker first: it may only check the exchange, which the definitions created.
      await workerTransport.listen(worker, async () => undefined);
      const received: WorkerToMaster[] = [];
      await master.listen(async (message) => void received.push(message));
      await workerTransport.sendToMaster({
        v: PROTOCOL_VERSION,
        type: 'worker.heartbeat',
        sentAt: Date.now(),
        workerId: worker,
        activity: 'idle',
        runId: null,
      });
      const deadline = Date.now() + 15_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map((m) => m.workerId)).toEqual([worker]);
    } finally {
      await workerTransport.close();
      await master.close();
    }
  }, 120_000);
});
