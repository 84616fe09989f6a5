import { drainEndSeconds, splitSegment } from '@loadtest/execution';
import { decodeWindowBase64, encodeWindowBase64, mergeSameSecond, type Window } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunAssign, type RunWindow } from '@loadtest/protocol';
import type { Worker } from 'node:worker_threads';
import type { ShareOutcome, ShareRunDeps } from '../share-run.js';
import { EnginePool } from './engine-pool.js';
import type { FromEngine, ToEngine } from './messages.js';

export interface ThreadedShareRunDeps extends ShareRunDeps {
  /** Engine threads to run the share on (≥ 1; see engineThreads() for the most a share can use). */
  threads: number;
  /** Where the threads come from; by default a pool of this run's own, closed when it ends. */
  pool?: EnginePool;
  /** Sees every window an engine thread hands over, before it is merged (for tests and diagnostics). */
  onThreadWindow?(thread: number, window: RunWindow): void;
}

/** After a stop, how long a thread has to report its outcome before it is terminated. */
const STOP_GRACE_MS = 3000;
/** After the planned end and every scenario's gracefulStop, how long a thread has to end by itself before it is stopped (its ShareRun's own backstop is at 1 s). */
const END_GRACE_MS = 5000;

/** Tells runs apart on a pooled thread, which runs one share after another. */
let lastToken = 0;

interface EngineThread {
  index: number;
  worker: Worker;
  token: number;
  /** Told to stop already. */
  stopping: boolean;
  /** The last second this thread delivered a window for; it never delivers an earlier one after it. */
  lastSecond: number;
  /** Set once the thread's run has ended (outcome received, or the thread died): it delivers nothing more. */
  outcome: ShareOutcome | undefined;
  /** Resolves when the thread's run has ended. */
  ended: Promise<void>;
}

/**
 * Runs one worker's share on several cores: K engine threads, each a plain
 * ShareRun on the same assignment with the K-th part of the worker's segment
 * (splitSegment), so that their shares of every scenario add up exactly to the
 * worker's. The threads hand their windows over; this merges the windows of
 * each second into one (steps added exactly, dropped summed, the longest
 * duration) and publishes them numbered 0, 1, 2… in second order. A second is
 * published once every thread still running has delivered it (or a later one).
 * The threads come from an EnginePool, loaded before the run when the worker's.
 */
export class ThreadedShareRun {
  private readonly threads: EngineThread[] = [];
  /** Windows received and not yet published, by second. */
  private readonly pending = new Map<number, Window[]>();
  private seq = 0;
  private started = false;
  private stopRequested = false;
  private failure: string | undefined;
  private readonly sends = new Set<Promise<void>>();
  private sendFailure: Error | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  /** Why the threads were told to stop, when it was not stop(): a thread that then has to be terminated failed. */
  private overrun = false;

  constructor(
    readonly assignment: RunAssign,
    private readonly deps: ThreadedShareRunDeps,
  ) {
    if (!Number.isInteger(deps.threads) || deps.threads < 1) throw new RangeError(`threads must be a whole number ≥ 1, got ${deps.threads}`);
  }

  get plannedEndMs(): number {
    return this.assignment.startAt + this.assignment.durationSeconds * 1000;
  }

  /** When every scenario's gracefulStop is over. */
  get drainEndMs(): number {
    return this.assignment.startAt + drainEndSeconds(this.assignment) * 1000;
  }

  /** Runs the share to its end on every thread and reports how it ended; never throws. */
  async run(): Promise<ShareOutcome> {
    const now = this.deps.now ?? Date.now;
    const pool = this.deps.pool ?? new EnginePool(this.deps.logger);
    try {
      const segments = splitSegment(this.assignment.segment, this.deps.threads);
      const workers = pool.acquire(segments.length);
      segments.forEach((segment, index) => this.threads.push(this.startThread(pool, workers[index]!, index, { ...this.assignment, segment })));
    } catch (error) {
      this.fail(`cannot start the engine threads: ${(error as Error).message}`);
    }
    this.endTimer = setTimeout(
      () => {
        this.deps.logger.warn({ runId: this.assignment.runId }, 'engine threads still running after the planned end; stopping them');
        this.overrun = true;
        this.stopThreads();
      },
      Math.max(0, this.drainEndMs - now()) + END_GRACE_MS,
    );
    await Promise.all(this.threads.map((thread) => thread.ended));
    clearTimeout(this.endTimer);
    if (!this.deps.pool) await pool.close();
    // Every thread has ended: whatever is left is complete.
    this.publishReady();
    await Promise.all([...this.sends]);
    const windows = this.seq;
    if (this.failure !== undefined) return { state: 'failed', windows, reason: this.failure };
    if (this.sendFailure) return { state: 'failed', windows, reason: this.sendFailure.message };
    const stopped = this.stopRequested || this.threads.some((t) => t.outcome?.state === 'stopped');
    return { state: stopped ? 'stopped' : 'finished', windows };
  }

  /** Ends the share early on every thread; `run()` then resolves with state `stopped`. */
  stop(): void {
    this.stopRequested = true;
    this.stopThreads();
  }

  /** Tells every running thread to stop, and terminates those that do not end within STOP_GRACE_MS. */
  private stopThreads(): void {
    for (const thread of this.threads) {
      if (thread.outcome || thread.stopping) continue;
      thread.stopping = true;
      thread.worker.postMessage({ type: 'stop', token: thread.token } satisfies ToEngine);
      const kill = setTimeout(() => {
        if (thread.outcome) return;
        this.deps.logger.warn({ runId: this.assignment.runId, engine: thread.index }, 'engine thread did not stop in time; terminating it');
        void thread.worker.terminate();
      }, STOP_GRACE_MS);
      kill.unref();
    }
  }

  /** Runs `assignment` (with the thread's sub-segment) on a pooled thread, and follows it until its outcome. */
  private startThread(pool: EnginePool, worker: Worker, index: number, assignment: RunAssign): EngineThread {
    const token = ++lastToken;
    let ended!: () => void;
    const thread: EngineThread = {
      index,
      worker,
      token,
      stopping: false,
      lastSecond: -1,
      outcome: undefined,
      ended: new Promise((resolve) => (ended = resolve)),
    };
    const end = (outcome: ShareOutcome) => {
      if (thread.outcome) return;
      thread.outcome = outcome;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      pool.release(worker);
      if (outcome.state === 'failed') this.fail(outcome.reason);
      // It delivers nothing more: the seconds that waited for it may be complete.
      this.publishReady();
      ended();
    };
    const onMessage = (message: FromEngine) => {
      if (message.type === 'ready' || message.token !== token) return;
      switch (message.type) {
        case 'started':
          if (!this.started) {
            this.started = true;
            this.deps.onStarted();
          }
          break;
        case 'window':
          this.receive(thread, message.window);
          worker.postMessage({ type: 'ack', token, id: message.id } satisfies ToEngine);
          break;
        case 'outcome':
          end(message.outcome);
          break;
      }
    };
    const onError = (error: Error) => end({ state: 'failed', windows: 0, reason: `engine thread ${index} failed: ${error.message}` });
    // A thread terminated after a stop() that it did not answer in time counts as stopped (its last windows are lost).
    const onExit = (code: number) =>
      end(
        thread.stopping && !this.overrun
          ? { state: 'stopped', windows: 0 }
          : { state: 'failed', windows: 0, reason: `engine thread ${index} exited (code ${code}) before its share ended` },
      );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ type: 'run', token, assignment, index, logLevel: this.deps.logger.level } satisfies ToEngine);
    return thread;
  }

  /** The run has failed: the other threads stop, as a ShareRun stops its generators on a failure. */
  private fail(reason: string): void {
    this.failure ??= reason;
    this.stopThreads();
  }

  private receive(thread: EngineThread, message: RunWindow): void {
    this.deps.onThreadWindow?.(thread.index, message);
    let window: Window;
    try {
      window = decodeWindowBase64(message.data);
    } catch (error) {
      this.fail(`engine thread ${thread.index} handed over a window that cannot be read: ${(error as Error).message}`);
      return;
    }
    thread.lastSecond = Math.max(thread.lastSecond, window.second);
    const windows = this.pending.get(window.second);
    if (windows) windows.push(window);
    else this.pending.set(window.second, [window]);
    this.publishReady();
  }

  /** Publishes, in second order, every pending second that no running thread can still add to. */
  private publishReady(): void {
    const running = this.threads.filter((t) => !t.outcome);
    const seconds = [...this.pending.keys()].sort((a, b) => a - b);
    for (const second of seconds) {
      if (running.some((t) => t.lastSecond < second)) return;
      const windows = this.pending.get(second)!;
      this.pending.delete(second);
      this.publish(mergeSameSecond(second, windows));
    }
  }

  private publish(window: Window): void {
    const message: RunWindow = {
      v: PROTOCOL_VERSION,
      type: 'run.window',
      sentAt: Date.now(),
      runId: this.assignment.runId,
      workerId: this.assignment.workerId,
      seq: this.seq++,
      second: window.second,
      data: encodeWindowBase64(window),
    };
    const send = this.deps.publishWindow(message).catch((error: unknown) => {
      this.sendFailure ??= new Error(`cannot publish window ${message.seq}: ${(error as Error).message}`, { cause: error });
      this.deps.logger.error({ err: error, runId: message.runId, seq: message.seq }, 'window not published');
    });
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
  }
}
