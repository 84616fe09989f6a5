import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeWindow, summarize, type Window } from '@loadtest/metrics';
import { PROTOCOL_VERSION } from '@loadtest/protocol';
import { sqlPoolOf } from '../src/persistence/sql-pool.js';
import { RunRepository, type ReceivedWindow, type StoredWindow } from '../src/runs/run-repository.js';
import { encodedBase64, realisticWindow, seededRandom } from './realistic-windows.js';
import { createTestDatabase, type TestDatabase } from './support.js';

/** A window message as the ingest hands it to storage. */
function received(runId: string, shareId: string, seq: number, window: Window): ReceivedWindow {
  const data = encodedBase64(window);
  return {
    window: { v: PROTOCOL_VERSION, type: 'run.window', sentAt: 0, runId, workerId: shareId, seq, second: window.second, data },
    bytes: Buffer.from(data, 'base64'),
    measured: window,
  };
}

const keyOf = (w: StoredWindow) => `${w.second}/${w.workerId}/${w.seq}`;

describe('window packs (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repository: RunRepository;
  let planId: string;
  const random = seededRandom(17);

  beforeAll(async () => {
    db = await createTestDatabase();
    repository = new RunRepository(db.prisma);
    planId = (await db.prisma.plan.create({ data: { name: 'packs', definition: {} } })).id;
  }, 60_000);
  afterAll(() => db?.drop(), 60_000);

  async function newRun(shares: string[]): Promise<string> {
    const run = await db.prisma.run.create({
      data: {
        planId,
        state: 'running',
        load: { connections: shares.length, durationSeconds: 10 },
        planSnapshot: {},
        workers: { create: shares.map((workerId, shareIndex) => ({ workerId, shareIndex, connections: 1, state: 'started' })) },
      },
    });
    return run.id;
  }

  /** Pack entries as stored, copies included: what the readers must see through. */
  async function storedEntries(runId: string): Promise<number> {
    const { rows } = await sqlPoolOf(db.prisma).query<{ n: number }>('SELECT COALESCE(sum(windows), 0)::int AS n FROM run_window_packs WHERE run_id = $1', [
      runId,
    ]);
    return rows[0]!.n;
  }

  /** The table's heap, indexes and TOAST, and the run's per-window arrays as stored, each divided by `windows`. */
  async function perWindowBytes(runId: string, windows: number): Promise<Record<string, number>> {
    const { rows } = await sqlPoolOf(db.prisma).query<Record<string, string>>(
      `SELECT pg_relation_size('run_window_packs') AS heap, pg_indexes_size('run_window_packs') AS indexes,
         (SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'run_window_packs'::regclass) AS toast,
         sum(pg_column_size(share_ids)) AS "shareIdsArray", sum(pg_column_size(seqs)) AS "seqsArray", sum(pg_column_size(sizes)) AS "sizesArray"
       FROM run_window_packs WHERE run_id = $1`,
      [runId],
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([name, value]) => [name, Math.round((Number(value) / windows) * 10) / 10]));
  }

  it('read back each window once, in (second, share, seq) order, after several batches with copies in them', async () => {
    const shares = ['w-b', 'w-a', 'w-c~1'];
    const runId = await newRun(shares);
    const sent = new Map<string, Window>();
    const batches: ReceivedWindow[][] = [];
    for (let second = 0; second < 6; second++) {
      const batch = shares.map((share) => {
        const window = realisticWindow(second, random, 20);
        sent.set(`${second}/${share}/${second}`, window);
        return received(runId, share, second, window);
      });
      batches.push(batch);
    }
    // A copy of a window inside its own batch, and a redelivery of an earlier window in a later batch.
    batches[2]!.push(batches[2]![0]!);
    batches[5]!.push(batches[1]![1]!, batches[4]![2]!);
    for (const batch of batches) await repository.insertWindows(batch);

    // Storage kept the later copies (a redelivery is normal): the readers must count each window once.
    expect(await storedEntries(runId)).toBe(18 + 2);
    const read = await repository.windows(runId);
    expect(read.map(keyOf)).toEqual([...sent.keys()].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]) || (a < b ? -1 : 1)));
    expect(read.map(keyOf)[0]).toBe('0/w-a/0');
    for (const window of read) expect(encodeWindow(window)).toEqual(encodeWindow(sent.get(keyOf(window))!));
    expect(summarize(read)).toEqual(summarize([...sent.values()]));

    // Page by page (one pack or row a page), the same windows.
    const paged: string[] = [];
    await repository.forEachWindow(runId, {}, (w) => paged.push(keyOf(w)), { packs: 1, rows: 1 });
    expect(paged).toEqual(read.map(keyOf));

    // Filters: a range of seconds, a share, both.
    expect((await repository.windows(runId, { fromSecond: 1, toSecond: 3 })).map(keyOf)).toEqual(
      read.map(keyOf).filter((k) => ['1', '2'].includes(k.split('/')[0]!)),
    );
    expect((await repository.windows(runId, { workerId: 'w-a' })).map(keyOf)).toEqual(['0/w-a/0', '1/w-a/1', '2/w-a/2', '3/w-a/3', '4/w-a/4', '5/w-a/5']);
    expect((await repository.windows(runId, { workerId: 'w-c~1', fromSecond: 4 })).map(keyOf)).toEqual(['4/w-c~1/4', '5/w-c~1/5']);
    expect((await repository.mergeStored(runId, { fromSecond: 5 })).windows).toBe(3);

    // Each share's count, copies counted once: in the run and in the run list.
    const expected = Object.fromEntries(shares.map((s) => [s, 6]));
    const counts = (run: { workers: { workerId: string; windowsStored: number }[] } | null | undefined) =>
      Object.fromEntries((run?.workers ?? []).map((w) => [w.workerId, w.windowsStored]));
    expect(counts(await repository.get(runId))).toEqual(expected);
    expect(counts((await repository.page({ planId }, 50)).runs.find((r) => r.id === runId))).toEqual(expected);

    // A later pack (a new second, and one more copy) changes the counts kept for the run.
    await repository.insertWindows([received(runId, 'w-a', 6, realisticWindow(6, random, 20)), batches[0]![0]!]);
    expect(counts(await repository.get(runId))).toEqual({ ...expected, 'w-a': 7 });
    expect(await repository.windowCounts(runId)).toEqual(new Map([...Object.entries(expected), ['w-a', 7]]));

    // A batch that committed after a later one: its pack's id is below those already counted. Counted all the same.
    await repository.insertWindows([received(runId, 'w-b', 7, realisticWindow(7, random, 20))]);
    await sqlPoolOf(db.prisma).query('UPDATE run_window_packs SET id = 0 WHERE run_id = $1 AND second = 7', [runId]);
    expect(await repository.windowCounts(runId)).toEqual(new Map([...Object.entries(expected), ['w-a', 7], ['w-b', 7]]));
    expect(counts((await repository.page({ planId }, 50)).runs.find((r) => r.id === runId))).toEqual({ ...expected, 'w-a': 7, 'w-b': 7 });
  });

  it('page through a second stored in many packs (ids of one and two digits), each window once', async () => {
    const runId = await newRun([]);
    const sent: string[] = [];
    // One window a batch: a pack each, ids past 9, all of second 0; one copy, and one window of second 1 last.
    for (let n = 0; n < 14; n++) {
      await repository.insertWindows([received(runId, `s${String(n).padStart(2, '0')}`, 0, realisticWindow(0, random, 5))]);
      sent.push(`0/s${String(n).padStart(2, '0')}/0`);
    }
    await repository.insertWindows([received(runId, 's03', 0, realisticWindow(0, random, 5)), received(runId, 's00', 1, realisticWindow(1, random, 5))]);
    sent.push('1/s00/1');
    for (const packs of [1, 3, 10, 16]) {
      const read: string[] = [];
      await repository.forEachWindow(runId, {}, (w) => read.push(keyOf(w)), { packs, rows: 2 });
      expect([packs, read]).toEqual([packs, sent]);
    }
  });

  it('read a run stored before packs (run_windows rows) as before, and one stored partly in each', async () => {
    const legacyRun = await newRun(['old-1', 'old-2']);
    const mixedRun = await newRun(['old-1', 'old-2']);
    const windows = new Map<string, Window>();
    const legacyRows = [];
    for (const runId of [legacyRun, mixedRun]) {
      for (let second = 0; second < 3; second++) {
        for (const share of ['old-1', 'old-2']) {
          const window = realisticWindow(second, random, 20);
          windows.set(`${runId}/${second}/${share}`, window);
          legacyRows.push({ runId, workerId: share, seq: second, second, requests: 20, data: Buffer.from(encodeWindow(window)) });
        }
      }
    }
    await db.prisma.runWindow.createMany({ data: legacyRows });
    // The mixed run: the master was upgraded at second 2; second 2 of old-2 came again (a redelivery) into a pack.
    const copy = windows.get(`${mixedRun}/2/old-2`)!;
    const later = [3, 4].flatMap((second) => ['old-1', 'old-2'].map((share) => received(mixedRun, share, second, realisticWindow(second, random, 20))));
    await repository.insertWindows([received(mixedRun, 'old-2', 2, copy), ...later]);

    expect((await repository.windows(legacyRun)).map(keyOf)).toEqual(['0/old-1/0', '0/old-2/0', '1/old-1/1', '1/old-2/1', '2/old-1/2', '2/old-2/2']);
    const mixed = await repository.windows(mixedRun);
    expect(mixed.map(keyOf)).toEqual([
      '0/old-1/0',
      '0/old-2/0',
      '1/old-1/1',
      '1/old-2/1',
      '2/old-1/2',
      '2/old-2/2',
      '3/old-1/3',
      '3/old-2/3',
      '4/old-1/4',
      '4/old-2/4',
    ]);
    expect(summarize(mixed)).toEqual(
      summarize([...[0, 1, 2].flatMap((s) => ['old-1', 'old-2'].map((w) => windows.get(`${mixedRun}/${s}/${w}`)!)), ...later.map((r) => r.measured)]),
    );
    const paged: string[] = [];
    await repository.forEachWindow(mixedRun, {}, (w) => paged.push(keyOf(w)), { packs: 1, rows: 1 });
    expect(paged).toEqual(mixed.map(keyOf));
    expect((await repository.windows(mixedRun, { workerId: 'old-2', fromSecond: 2, toSecond: 4 })).map(keyOf)).toEqual(['2/old-2/2', '3/old-2/3']);

    expect(await repository.windowCounts(legacyRun)).toEqual(
      new Map([
        ['old-1', 3],
        ['old-2', 3],
      ]),
    );
    expect(await repository.windowCounts(mixedRun)).toEqual(
      new Map([
        ['old-1', 5],
        ['old-2', 5],
      ]),
    );
  });

  it('store a realistic window in its encoded size plus at most 6 % and 16 bytes (1000 shares × 20 s, batches of 250)', async () => {
    const shareCount = 1000;
    const seconds = 20;
    const runId = await newRun([]);
    const pool = sqlPoolOf(db.prisma);
    const size = async () => Number((await pool.query<{ n: string }>(`SELECT pg_total_relation_size('run_window_packs') AS n`)).rows[0]!.n);
    // Share ids as Kubernetes names workers (`<pod>-<pid>`), the longer kind: a deployment hash and a random suffix.
    const letters = 'bcdfghjklmnpqrstvwxz2456789';
    const suffix = () => Array.from({ length: 5 }, () => letters[Math.floor(random() * letters.length)]).join('');
    const shares = Array.from({ length: shareCount }, () => `loadtest-worker-6f9c7d8b54-${suffix()}-1`);
    const before = await size();
    let encodedBytes = 0;
    for (let second = 0; second < seconds; second++) {
      const arrived = shares.map((share) => received(runId, share, second, realisticWindow(second, random)));
      for (const r of arrived) encodedBytes += Buffer.from(r.window.data, 'base64').length;
      // As WindowWriter makes them: up to 250 windows a batch, in the order they arrived.
      for (let from = 0; from < arrived.length; from += 250) await repository.insertWindows(arrived.slice(from, from + 250));
    }
    const windows = shareCount * seconds;
    const perWindow = ((await size()) - before) / windows;
    const encodedPerWindow = encodedBytes / windows;
    const result = {
      command:
        'cd apps/master && WINDOW_STORAGE_OUT=../../bench-results/window-storage.json NODE_OPTIONS=--experimental-vm-modules npx jest test/window-packs.test.ts',
      at: new Date().toISOString(),
      windows,
      shares: shareCount,
      windowsPerBatch: 250,
      packs: Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM run_window_packs WHERE run_id = $1', [runId])).rows[0]!.n),
      responsesPerWindow: 200,
      encodedBytesPerWindow: Math.round(encodedPerWindow * 10) / 10,
      storedBytesPerWindow: Math.round(perWindow * 10) / 10,
      overheadBytesPerWindow: Math.round((perWindow - encodedPerWindow) * 10) / 10,
      bytesPerWorkerHour: Math.round(perWindow * 3600),
      // Where the bytes went, per window: the table's files, and the stored (compressed) size of each per-window array.
      perWindow: await perWindowBytes(runId, windows),
    };
    if (process.env.WINDOW_STORAGE_OUT) writeFileSync(process.env.WINDOW_STORAGE_OUT, `${JSON.stringify(result, null, 2)}\n`);
    // The overhead, derived (docs/architecture.md, Storage): the window's share id, seq and size in the pack's arrays
    // (≈ 10 B compressed), the row and its index entry shared by 250 windows (< 1 B), and TOAST's chunking of the
    // pack's bytes: a 40 B header per 1996 B chunk and the end of a page that the next chunk does not fit (≈ 4–5 %).
    expect(perWindow).toBeLessThanOrEqual(encodedPerWindow * 1.06 + 16);
    // Every window reads back, once.
    expect([...(await repository.windowCounts(runId)).values()].reduce((a, b) => a + b, 0)).toBe(windows);
  }, 300_000);
});
