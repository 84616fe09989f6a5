import { performance } from 'node:perf_hooks';
import { firstExistingEntry, threadUrl } from '@loadtest/threads';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { FromEngine } from './messages.js';

/**
 * The engine thread's entry: from the sources (src/engine-thread.ts, this file
 * being src/load/threads/) or from a built bundle (engine-thread.js beside the
 * bundled main.js and thread.js).
 */
function engineEntry(): string {
  return firstExistingEntry([new URL('./engine-thread.js', import.meta.url), new URL('../../engine-thread.ts', import.meta.url)], 'engine thread entry');
}

/**
 * Engine threads kept between runs. A thread takes a few hundred ms to load
 * its code (over a second through tsx), a good part of a run's start lead: a
 * worker warms its pool when it starts, and each run takes threads already
 * loaded. A thread that fails or is terminated leaves the pool; `acquire`
 * starts new ones when there are not enough. Idle threads do not keep the
 * process alive.
 */
export class EnginePool {
  private readonly idle: Worker[] = [];
  /** Every thread alive, with a promise settled once it has loaded its code (or died trying). */
  private readonly all = new Map<Worker, Promise<void>>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** Threads alive, idle or running. */
  get size(): number {
    return this.all.size;
  }

  /** Starts threads until `count` are alive; resolves when every one has loaded its code (or died trying). */
  async warm(count: number): Promise<void> {
    while (!this.closed && this.all.size < count) this.idle.push(this.spawn());
    await Promise.all(this.all.values());
  }

  /** `count` threads for a run, loaded already when the pool had them. Release each when its run has ended. */
  acquire(count: number): Worker[] {
    if (this.closed) throw new Error('the engine pool is closed');
    const taken = this.idle.splice(0, count);
    while (taken.length < count) taken.push(this.spawn());
    for (const worker of taken) worker.ref();
    return taken;
  }

  /** Gives back a thread whose run has ended (a thread that has exited is not taken back). */
  release(worker: Worker): void {
    if (this.closed || !this.all.has(worker)) return;
    worker.unref();
    if (!this.idle.includes(worker)) this.idle.push(worker);
  }

  /** Terminates every thread. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.all.keys()].map((worker) => worker.terminate()));
  }

  private spawn(): Worker {
    const spawnedAt = performance.now();
    const worker = new Worker(threadUrl(engineEntry()));
    worker.unref();
    let loaded!: () => void;
    this.all.set(worker, new Promise<void>((resolve) => (loaded = resolve)));
    const onReady = (message: FromEngine) => {
      if (message.type !== 'ready') return;
      worker.off('message', onReady);
      loaded();
      this.logger.debug({ threadId: worker.threadId, bootMs: Math.round(performance.now() - spawnedAt) }, 'engine thread ready');
    };
    worker.on('message', onReady);
    worker.on('error', (error) => this.logger.error({ err: error, threadId: worker.threadId }, 'engine thread failed'));
    worker.once('exit', (code) => {
      loaded();
      this.all.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      if (!this.closed) this.logger.warn({ threadId: worker.threadId, code }, 'engine thread exited');
    });
    return worker;
  }
}
