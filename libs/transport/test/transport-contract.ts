import { assignmentOf, PROTOCOL_VERSION, type MasterToWorker, type RunAssignAll, type WorkerToMaster } from '@loadtest/protocol';
import { expect, it } from '@jest/globals';
import type { MasterTransport, WorkerTransport } from '../src/index.js';
import { assignMessage, memoryLogger, until, windowMessage } from './helpers.js';

export interface TransportPair {
  master: MasterTransport;
  worker(id: string): WorkerTransport;
  /** Delivers bytes to the master as if a worker had sent them. */
  sendRawToMaster(content: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** The same scenarios, run over every transport implementation. */
export function transportContract(make: (logger: ReturnType<typeof memoryLogger>['logger']) => Promise<TransportPair>): void {
  it('delivers an assignment to the addressed worker only, and windows to the master', async () => {
    const { logger } = memoryLogger();
    const pair = await make(logger);
    try {
      const atMaster: WorkerToMaster[] = [];
      await pair.master.listen(async (m) => void atMaster.push(m));
      const gotA: MasterToWorker[] = [];
      const gotB: MasterToWorker[] = [];
      const a = pair.worker('worker-a');
      const b = pair.worker('worker-b');
      await a.listen('worker-a', async (m) => void gotA.push(m));
      await b.listen('worker-b', async (m) => void gotB.push(m));
      await pair.master.sendToWorker(assignMessage('worker-a'));
      await a.sendToMaster(windowMessage('worker-a', 0));
      await b.sendToMaster(windowMessage('worker-b', 0));
      await until(() => gotA.length === 1 && atMaster.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(gotA.map((m) => m.type)).toEqual(['run.assign']);
      expect(gotB).toEqual([]);
      expect(atMaster.map((m) => (m.type === 'run.window' ? m.workerId : '')).sort()).toEqual(['worker-a', 'worker-b']);
    } finally {
      await pair.close();
    }
  });

  it('broadcasts the master heartbeat to every worker at once', async () => {
    const { logger } = memoryLogger();
    const pair = await make(logger);
    try {
      await pair.master.listen(async () => undefined);
      const got = new Map<string, MasterToWorker[]>();
      for (const id of ['worker-a', 'worker-b', 'worker-c']) {
        got.set(id, []);
        await pair.worker(id).listen(id, async (m) => void got.get(id)!.push(m));
      }
      const masterId = '77777777-7777-4777-8777-777777777777';
      await pair.master.broadcast({ v: PROTOCOL_VERSION, type: 'master.heartbeat', sentAt: Date.now(), masterId });
      await until(() => [...got.values()].every((messages) => messages.length === 1));
      for (const messages of got.values()) expect(messages).toMatchObject([{ type: 'master.heartbeat', masterId }]);
    } finally {
      await pair.close();
    }
  });

  it('assigns a run to all its workers in one message: each takes its own entry, a worker without one gets nothing to run', async () => {
    const { logger } = memoryLogger();
    const pair = await make(logger);
    try {
      await pair.master.listen(async () => undefined);
      const got = new Map<string, MasterToWorker[]>();
      for (const id of ['worker-a', 'worker-b', 'worker-c']) {
        got.set(id, []);
        await pair.worker(id).listen(id, async (m) => void got.get(id)!.push(m));
      }
      const one = assignMessage('worker-a');
      const startAt = Date.now() + 5000;
      const all: RunAssignAll = {
        v: PROTOCOL_VERSION,
        type: 'run.assign-all',
        sentAt: Date.now(),
        runId: one.runId,
        plan: one.plan,
        scenarios: one.scenarios,
        durationSeconds: 1,
        timeoutSeconds: 1,
        startAt,
        shares: [
          {
            workerId: 'worker-a',
            share: { index: 0, count: 2, connections: 1 },
            segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 2 } },
            clockOffsetMs: 0,
          },
          {
            workerId: 'worker-b',
            share: { index: 1, count: 2, connections: 1 },
            segment: { from: { num: 1, den: 2 }, to: { num: 1, den: 1 } },
            clockOffsetMs: 40,
          },
        ],
      };
      await pair.master.assignAll(all);
      await until(() => got.get('worker-a')!.length === 1 && got.get('worker-b')!.length === 1);
      const taken = (id: string) => {
        const message = got.get(id)![0];
        return message?.type === 'run.assign-all' ? assignmentOf(message, id) : undefined;
      };
      expect(taken('worker-a')).toMatchObject({ type: 'run.assign', workerId: 'worker-a', share: { index: 0, count: 2 }, startAt });
      // Each start instant in the worker's own clock.
      expect(taken('worker-b')).toMatchObject({ workerId: 'worker-b', segment: { from: { num: 1, den: 2 } }, startAt: startAt + 40 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // worker-c may see the message (the broadcast binding), but has no share in it.
      expect(got.get('worker-c')!.every((m) => m.type === 'run.assign-all' && assignmentOf(m, 'worker-c') === undefined)).toBe(true);
    } finally {
      await pair.close();
    }
  });

  it('logs and drops a message that fails its schema, then goes on', async () => {
    const { logger, records } = memoryLogger();
    const pair = await make(logger);
    try {
      const atMaster: WorkerToMaster[] = [];
      await pair.master.listen(async (m) => void atMaster.push(m));
      await pair.sendRawToMaster(Buffer.from(JSON.stringify({ ...windowMessage('w', 0), seq: -5 })));
      await pair.sendRawToMaster(Buffer.from('this is not json'));
      const worker = pair.worker('w');
      await worker.listen('w', async () => undefined);
      await worker.sendToMaster(windowMessage('w', 1));
      await until(() => atMaster.length === 1);
      const rejected = records.filter((r) => r.msg === 'rejected invalid message');
      expect(rejected).toHaveLength(2);
      expect(String(rejected[0]!.reason)).toContain('seq');
      expect(String(rejected[1]!.reason)).toMatch(/not JSON/);
      expect(atMaster).toHaveLength(1);
    } finally {
      await pair.close();
    }
  });

  it('redelivers a message whose handler failed, so it is not lost', async () => {
    const { logger } = memoryLogger();
    const pair = await make(logger);
    try {
      let attempts = 0;
      const handled: number[] = [];
      await pair.master.listen(async (m) => {
        attempts += 1;
        if (attempts === 1) throw new Error('database unavailable');
        if (m.type === 'run.window') handled.push(m.seq);
      });
      const worker = pair.worker('w');
      await worker.listen('w', async () => undefined);
      await worker.sendToMaster(windowMessage('w', 7));
      await until(() => handled.length === 1, 8000);
      expect(attempts).toBe(2);
      expect(handled).toEqual([7]);
    } finally {
      await pair.close();
    }
  }, 15_000);
}
