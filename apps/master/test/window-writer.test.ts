import { describe, expect, it } from '@jest/globals';
import type { ReceivedWindow, RunRepository } from '../src/runs/run-repository.js';
import { WindowWriter } from '../src/runs/window-writer.js';

function fakeRepository(fail = false) {
  const batches: number[] = [];
  const repository = {
    insertWindows: async (rows: readonly ReceivedWindow[]) => {
      batches.push(rows.length);
      if (fail) throw new Error('database unavailable');
    },
  } as unknown as RunRepository;
  return { repository, batches };
}

const row = {} as ReceivedWindow;

describe('WindowWriter', () => {
  it('stores windows in batches and resolves each write once its batch is stored', async () => {
    const { repository, batches } = fakeRepository();
    const writer = new WindowWriter(repository, 250, 15);
    await Promise.all(Array.from({ length: 600 }, () => writer.write(row)));
    expect(batches).toEqual([250, 250, 100]);
  });

  it('rejects every write of a failed batch, so that each window is redelivered', async () => {
    const { repository } = fakeRepository(true);
    const writer = new WindowWriter(repository, 10, 5);
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => writer.write(row)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
