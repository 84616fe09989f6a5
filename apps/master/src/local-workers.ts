import type { InProcessHub } from '@loadtest/transport';
import { firstExistingEntry, threadUrl } from '@loadtest/threads';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * The worker entry for the one-command mode: the worker app's thread entry,
 * from the sources (run through tsx) or from a built bundle. Started by path,
 * never imported: the master does not depend on the worker's code.
 */
function workerEntry(): string {
  const override = process.env.LOADTEST_WORKER_ENTRY;
  if (override) return override;
  return firstExistingEntry(
    [new URL('../../worker/src/thread.ts', import.meta.url), new URL('../worker/thread.js', import.meta.url)],
    'local worker entry (set LOADTEST_WORKER_ENTRY)',
  );
}

export interface LocalWorkers {
  /** Their ids, `local-<n>`. */
  ids: string[];
  /**
   * Resolves once every one of them is `online` (or busy) in the master's registry,
   * as `isUp(id)` tells; rejects after `timeoutMs` naming those still missing.
   */
  whenOnline(isUp: (workerId: string) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  /** Ends the threads at once, without a goodbye: what a crashed or killed worker looks like to the master. */
  terminate(): Promise<void>;
}

export interface LocalWorkerOptions {
  /** n of the first worker's name `local-<n>` (1). */
  firstIndex?: number;
  /** Engine threads each worker generates load on, nested in its own thread (1: on its own thread alone). */
  threads?: number;
}

/**
 * Starts local workers, each in its own worker thread so that load generation
 * never runs on the master's event loop. They reach the master through the
 * in-process transport. They are named `local-<n>`, n counting from `firstIndex` (1).
 */
export function startLocalWorkers(hub: InProcessHub, count: number, logger: Logger, options: LocalWorkerOptions = {}): LocalWorkers {
  const entry = workerEntry();
  const threads: Worker[] = [];
  const ids: string[] = [];
  const first = options.firstIndex ?? 1;
  const engineThreads = options.threads ?? 1;
  if (!Number.isInteger(engineThreads) || engineThreads < 1) throw new RangeError(`threads must be a whole number ≥ 1, got ${options.threads}`);
  for (let i = first; i < first + count; i++) {
    const port = hub.connectWorker();
    const workerId = `local-${i}`;
    // env: this module's process.env, which a test runner may keep apart from the process's own (jest does).
    const thread = new Worker(threadUrl(entry), { workerData: { port, workerId, threads: engineThreads }, transferList: [port], env: process.env });
    thread.on('error', (error) => logger.error({ err: error, workerId }, 'local worker thread failed'));
    thread.on('exit', (code) => logger.info({ workerId, code }, 'local worker thread exited'));
    threads.push(thread);
    ids.push(workerId);
    logger.info({ workerId, threads: engineThreads }, 'local worker thread started');
  }
  return {
    ids,
    whenOnline: async (isUp, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = ids.filter((id) => !isUp(id));
        if (missing.length === 0) return;
        if (Date.now() > deadline) throw new Error(`local workers not online within ${timeoutMs} ms: ${missing.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    terminate: async () => {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
    stop: async () => {
      await Promise.all(
        threads.map(
          (thread) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => void thread.terminate().then(() => resolve()), 5000);
              thread.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              thread.postMessage('shutdown');
            }),
        ),
      );
    },
  };
}
