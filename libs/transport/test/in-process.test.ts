import { describe } from '@jest/globals';
import { InProcessHub, PortWorkerTransport, type WorkerTransport } from '../src/index.js';
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
});
