import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { AmqpMasterTransport, createMasterTransport, createWorkerTransport, InProcessHub } from '../src/index.js';

const silent = pino({ level: 'silent' });

describe('createMasterTransport / createWorkerTransport', () => {
  it('gives the master an in-process hub when no broker is configured', () => {
    const setup = createMasterTransport({}, silent);
    expect(setup.transport).toBeInstanceOf(InProcessHub);
    expect(setup.hub).toBe(setup.transport);
    expect(setup.description).toBe('in-process');
  });

  it('gives the master RabbitMQ for an AMQP URL, named without its password, connecting only when it listens', async () => {
    const setup = createMasterTransport({ amqpUrl: 'amqp://guest:secret@127.0.0.1:1/', namespace: 'ns' }, silent);
    expect(setup.transport).toBeInstanceOf(AmqpMasterTransport);
    expect(setup.hub).toBeNull();
    expect(setup.description).not.toContain('secret');
    expect(setup.description).toMatch(/^amqp amqp:\/\/guest:.*@127\.0\.0\.1:1/);
    await setup.transport.close();
  });

  it('refuses a standalone worker without a broker, naming AMQP_URL', () => {
    expect(() => createWorkerTransport({}, silent)).toThrow(/AMQP_URL is not set/);
  });
});
