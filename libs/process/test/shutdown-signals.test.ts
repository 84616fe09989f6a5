import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import pino from 'pino';
import { freePort, handleShutdownSignals, type ShutdownOptions, type ShutdownStep } from '../src/index.js';

/** A process that records its exit codes instead of exiting, and the log records of the shutdown. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const firstExit = new Promise<number>((resolve) => (exited = resolve));
  const records: { msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return {
    process: {
      on: (event: NodeJS.Signals, listener: () => void) => emitter.on(event, listener),
      exit: (code: number) => {
        exits.push(code);
        exited(code);
      },
    },
    send: (signal: NodeJS.Signals) => emitter.emit(signal),
    exits,
    firstExit,
    records,
    logger,
    messages: () => records.map((r) => r.msg),
  };
}

function setUp(options: Partial<ShutdownOptions> = {}) {
  const fake = fakeProcess();
  const shutdown = handleShutdownSignals({ name: 'test', logger: fake.logger, laterSignals: 'hurry', repeatedWithinMs: 0, process: fake.process, ...options });
  return { fake, shutdown };
}

const step = (name: string, done: string[], run: ShutdownStep['run'] = () => undefined): ShutdownStep => ({
  name,
  run: async (context) => {
    await run(context);
    done.push(name);
  },
});

/** A step that waits until the next signal hurries it. */
const waitsForHurry = (name: string, done: string[]): ShutdownStep =>
  step(name, done, ({ hurry }) => new Promise<void>((resolve) => (hurry.aborted ? resolve() : hurry.addEventListener('abort', () => resolve()))));

describe('handleShutdownSignals', () => {
  it('runs the close steps in order on SIGTERM, says the process closed, and exits 0', async () => {
    const { fake, shutdown } = setUp();
    const done: string[] = [];
    shutdown.arm([step('http', done), step('transport', done), step('database', done)]);
    expect(fake.exits).toEqual([]);
    fake.send('SIGTERM');
    expect(await fake.firstExit).toBe(0);
    expect(done).toEqual(['http', 'transport', 'database']);
    expect(fake.messages()).toEqual(['shutting down', 'test closed']);
    expect(fake.records[0]).toMatchObject({ signal: 'SIGTERM' });
  });

  it('keeps a signal received during start-up, runs nothing until the steps are given, then runs them at once', async () => {
    const { fake, shutdown } = setUp();
    const done: string[] = [];
    fake.send('SIGINT');
    fake.send('SIGTERM');
    expect(shutdown.signalled).toBe('SIGINT');
    expect(fake.messages()).toEqual(['signal during start-up: closing once started']);
    shutdown.arm([step('http', done)]);
    expect(await fake.firstExit).toBe(0);
    expect(done).toEqual(['http']);
    // The signal repeated during start-up was not a second one: nothing was hurried.
    expect(fake.messages()).not.toContain('second signal: closing now');
  });

  it('with `hurry`: a second signal ends a wait and the closing goes on; a third exits 1 at once', async () => {
    const { fake, shutdown } = setUp();
    const done: string[] = [];
    shutdown.arm([waitsForHurry('runs in progress', done), waitsForHurry('never hurried again', []), step('database', done)]);
    fake.send('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual([]);
    fake.send('SIGTERM');
    expect(await fake.firstExit).toBe(0);
    expect(done).toEqual(['runs in progress', 'database']);
    expect(fake.messages()).toContain('second signal: closing now');

    const stuck = setUp();
    stuck.shutdown.arm([step('stuck', [], () => new Promise(() => undefined))]);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGTERM'] as const) stuck.fake.send(signal);
    expect(stuck.fake.exits).toEqual([1]);
    expect(stuck.fake.messages()).toEqual(['shutting down', 'second signal: closing now', 'third signal: exiting at once']);
  });

  it('counts a signal repeated within `repeatedWithinMs` once (one sent to a process group under npm arrives twice)', () => {
    const { fake, shutdown } = setUp({ repeatedWithinMs: 60_000 });
    shutdown.arm([step('stuck', [], () => new Promise(() => undefined))]);
    for (let i = 0; i < 5; i++) fake.send('SIGTERM');
    expect(fake.exits).toEqual([]);
    expect(fake.messages()).toEqual(['shutting down']);
  });

  it('with `ignore`: later signals neither hurry nor exit', async () => {
    const { fake, shutdown } = setUp({ laterSignals: 'ignore' });
    const done: string[] = [];
    let finish: () => void = () => undefined;
    shutdown.arm([step('share', done, () => new Promise<void>((resolve) => (finish = resolve)))]);
    for (const signal of ['SIGTERM', 'SIGTERM', 'SIGINT'] as const) fake.send(signal);
    expect(fake.exits).toEqual([]);
    finish();
    expect(await fake.firstExit).toBe(0);
    expect(done).toEqual(['share']);
    expect(fake.messages().filter((m) => m === 'shutting down already: signal ignored')).toHaveLength(2);
  });

  it('runs the later steps when one fails, names the failed step, and exits 1', async () => {
    const { fake, shutdown } = setUp();
    const done: string[] = [];
    shutdown.arm([
      step('transport', done, () => {
        throw new Error('broker gone');
      }),
      step('database', done),
    ]);
    fake.send('SIGTERM');
    expect(await fake.firstExit).toBe(1);
    expect(done).toEqual(['database']);
    expect(fake.records.find((r) => r.msg === 'shutdown failed')).toMatchObject({ step: 'transport', err: { message: 'broker gone' } });
    expect(fake.messages()).not.toContain('test closed');
  });

  it('exits 1 at the time limit, naming the step still running', async () => {
    const { fake, shutdown } = setUp({ limitMs: 50, laterSignals: 'ignore' });
    shutdown.arm([step('share', [], () => new Promise(() => undefined))]);
    fake.send('SIGTERM');
    expect(await fake.firstExit).toBe(1);
    expect(fake.records.at(-1)).toMatchObject({ msg: 'shutdown: not done within 50 ms; exiting', step: 'share', limitMs: 50 });
  });

  it('takes its steps once', () => {
    const { shutdown } = setUp();
    shutdown.arm([]);
    expect(() => shutdown.arm([])).toThrow('test: the shutdown steps are given once');
  });
});

describe('freePort', () => {
  it('gives a port on 127.0.0.1 that a server can then listen on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    expect(typeof address === 'object' && address?.port).toBe(port);
  });
});
