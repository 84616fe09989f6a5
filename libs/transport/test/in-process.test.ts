import type { WorkerToMaster } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { InProcessHub, PortWorkerTransport, type WorkerTransport } from '../src/index.js';
import { memoryLogger, windowMessage } from './helpers.js';
import { transportContract } from './transport-contract.js';

describe('in-process transport', () => {
  transportContract(async (logger) => {
    const hub = new InProcessHub(logger);
    const workers: WorkerTransport[] = [];
    // A raw sender: a port whose frames bypass the worker transport's typing.
    const rawPort = hub.connectWorker();
    let nextId = 1_000_000;
    return {
      master: hub,
      worker: () => {
        const transport = new PortWorkerTransport(hub.connectWorker(), logger);
        workers.push(transport);
        return transport;
      },
      sendRawToMaster: async (content) => {
        rawPort.postMessage({ kind: 'message', id: nextId++, payload: content });
      },
      close: async () => {
        for (const w of workers) await w.close();
        rawPort.close();
        await hub.close();
      },
    };
  });

  // `npm start` starts its local worker thread while the master is still starting: its hello comes first.
  it('keeps, in order, what a worker sends before the master listens, and delivers it once it does', async () => {
    const { logger } = memoryLogger();
    const hub = new InProcessHub(logger);
    const worker = new PortWorkerTransport(hub.connectWorker(), logger);
    try {
      await worker.listen('worker-a', async () => undefined);
      let confirmed = 0;
      const sent = [0, 1, 2].map((seq) => worker.sendToMaster(windowMessage('worker-a', seq)).then(() => confirmed++));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Not confirmed: nobody has handled them yet.
      expect(confirmed).toBe(0);
      const got: WorkerToMaster[] = [];
      await hub.listen(async (m) => void got.push(m));
      await Promise.all(sent);
      expect(got.map((m) => (m.type === 'run.window' ? m.seq : -1))).toEqual([0, 1, 2]);
    } finally {
      await worker.close();
      await hub.close();
    }
  }, 20_000);
});
