import { parentPort } from 'node:worker_threads';
import type { FromEngine, ToEngine } from './load/threads/messages.js';
import { ShareRun } from './load/share-run.js';
import { createLogger } from './logger.js';

/**
 * Entry point of an engine thread of a multi-core worker. It runs one share
 * after another, each a plain ShareRun on the worker's assignment with the
 * thread's own sub-segment, and hands its windows to the parent (which merges
 * and publishes them) instead of publishing them itself: a window's publish
 * succeeds when the parent acknowledges having it.
 */
const port = parentPort;
if (!port) throw new Error('engine-thread runs only as a worker thread');

const base = createLogger('worker', { thread: 'engine' });
const post = (message: FromEngine) => port.postMessage(message);

interface Current {
  token: number;
  share: ShareRun;
  acks: Map<number, () => void>;
}
let current: Current | undefined;

function run(message: Extract<ToEngine, { type: 'run' }>): void {
  const { token, assignment, index, logLevel } = message;
  if (current) {
    post({ type: 'outcome', token, outcome: { state: 'failed', windows: 0, reason: `engine thread ${index} is busy with another run` } });
    return;
  }
  const acks = new Map<number, () => void>();
  let nextId = 0;
  const share = new ShareRun(assignment, {
    logger: base.child({ workerId: assignment.workerId, runId: assignment.runId, engine: index }, { level: logLevel }),
    publishWindow: (window) =>
      new Promise<void>((resolve) => {
        const id = nextId++;
        acks.set(id, resolve);
        post({ type: 'window', token, id, window });
      }),
    onStarted: () => post({ type: 'started', token }),
  });
  const running: Current = { token, share, acks };
  current = running;
  // run() starts waiting for the start instant at once, so that a stop can cut the wait short.
  void share.run().then((outcome) => {
    if (current === running) current = undefined;
    post({ type: 'outcome', token, outcome });
  });
}

port.on('message', (message: ToEngine) => {
  if (message.type === 'run') return run(message);
  if (current?.token !== message.token) return;
  if (message.type === 'stop') current.share.stop();
  else {
    current.acks.get(message.id)?.();
    current.acks.delete(message.id);
  }
});
post({ type: 'ready' });
