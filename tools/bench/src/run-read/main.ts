/**
 * Run-read benchmark: how long `GET /api/v1/runs/:id` takes for an active run at minute 10 of a 50-worker run.
 *
 * Ten minutes are not waited for: 50 simulated workers (one AMQP connection) say hello and heartbeat to the real
 * master (`node --import tsx apps/master/src/main.ts`, real RabbitMQ, real PostgreSQL), the run is started through
 * the API, then their 600 seconds of windows (two steps, realistic latencies: ingest/window-gen.ts) are published
 * at once as `run.window` messages, which the master stores with its real window writer. Once all are stored,
 * while the run is still running, GET /runs/:id is timed. See tools/bench/README.md.
 *
 *   npm run bench:run-read                                       50 workers × 600 s, 30 reads
 *   npm run bench:run-read -- --workers 5 --seconds 60 --out /tmp/r.json    a smoke run
 */
import { connect, type ConfirmChannel } from 'amqplib';
import { PROTOCOL_VERSION, type WorkerToMaster } from '@loadtest/protocol';
import { brokerNames } from '@loadtest/transport';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '@loadtest/process';
import { api, createDatabase, deleteBrokerObjects, randomSuffix } from '../ingest/infra.js';
import { MasterProcess } from '../ingest/master.js';
import { defaultProfile, WindowPool } from '../ingest/window-gen.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '600' },
    reads: { type: 'string', default: '30' },
    label: { type: 'string', default: '' },
    out: { type: 'string', default: 'bench-results/run-read.json' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    'amqp-url': { type: 'string', default: process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' },
  },
});
const workers = Number(values.workers);
const seconds = Number(values.seconds);
const reads = Number(values.reads);
if (![workers, seconds, reads].every((n) => Number.isInteger(n) && n > 0) || workers > 500 || seconds > 3600 || reads > 1000) {
  throw new Error('--workers (1..500), --seconds (1..3600) and --reads (1..1000) are positive whole numbers');
}
const out = isAbsolute(values.out) ? values.out : resolve(REPO_ROOT, values.out);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function storedWindows(url: string, runId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Each (share, seq) once: packs may hold a redelivered window twice; run_windows rows are runs stored before packs.
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM (
         SELECT u.share_id, u.seq FROM run_window_packs p CROSS JOIN LATERAL unnest(p.share_ids, p.seqs) AS u(share_id, seq) WHERE p.run_id = $1
         UNION
         SELECT worker_id, seq FROM run_windows WHERE run_id = $1
       ) stored`,
      [runId],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const db = await createDatabase(values['pg-url']);
  const namespace = `bench-${randomSuffix()}`;
  const names = brokerNames(namespace);
  const workerIds = Array.from({ length: workers }, (_, i) => `read-${String(i).padStart(3, '0')}`);
  const logPath = join(REPO_ROOT, 'bench-results', 'run-read-master.log.tmp');
  mkdirSync(dirname(logPath), { recursive: true });
  const logFd = openSync(logPath, 'w');
  const master = new MasterProcess({
    repoRoot: REPO_ROOT,
    databaseUrl: db.url,
    amqpUrl: values['amqp-url'],
    namespace,
    port: await freePort(),
    logFd,
    logLevel: 'warn',
    startLeadMs: 500,
    cpuProfileDir: undefined,
  });
  const connection = await connect(values['amqp-url'], { clientProperties: { connection_name: 'bench-run-read' } });
  let heartbeats: NodeJS.Timeout | undefined;
  try {
    const channel: ConfirmChannel = await connection.createConfirmChannel();
    await channel.assertExchange(names.exchange, 'topic', { durable: true });
    const publish = (message: WorkerToMaster) =>
      new Promise<void>((ok, fail) =>
        channel.publish(
          names.exchange,
          names.masterRoutingKey(message),
          Buffer.from(JSON.stringify(message)),
          { persistent: true, contentType: 'application/json', type: message.type },
          (error: unknown) => (error ? fail(error instanceof Error ? error : new Error(String(error))) : ok()),
        ),
      );
    await master.waitHealthy();
    for (const workerId of workerIds) {
      await publish({
        v: PROTOCOL_VERSION,
        type: 'worker.hello',
        sentAt: Date.now(),
        workerId,
        host: hostname(),
        version: 'bench-run-read',
        capabilities: { cores: 1, memoryBytes: 1_073_741_824, maxConnections: 10_000 },
      });
    }
    let runId: string | null = null;
    const beat = () => {
      for (const workerId of workerIds)
        void publish({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: runId ? 'busy' : 'idle', runId }).catch(
          () => undefined,
        );
    };
    beat();
    heartbeats = setInterval(beat, 1000);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const list = await api<{ items: { state: string }[] }>(master.url, 'GET', '/api/v1/workers');
      if (list.body.items.filter((w) => w.state === 'online').length >= workers) break;
      if (Date.now() > deadline) throw new Error(`${workers} workers not online within 60 s`);
      await sleep(200);
    }
    const plan = await api<{ id: string }>(master.url, 'POST', '/api/v1/plans', {
      name: 'run-read bench',
      baseUrl: 'http://127.0.0.1:1',
      steps: [
        { name: 'login', method: 'POST', url: '/login' },
        { name: 'search', method: 'GET', url: '/search' },
      ],
    });
    // Long enough that the run is still running while it is read.
    const started = await api<{ id: string }>(master.url, 'POST', `/api/v1/plans/${plan.body.id}/runs`, {
      connections: workers,
      durationSeconds: seconds + 3600,
    });
    if (started.status !== 201) throw new Error(`run not started: ${started.status} ${JSON.stringify(started.body)}`);
    runId = started.body.id;
    const id = runId;
    for (const workerId of workerIds) await publish({ v: PROTOCOL_VERSION, type: 'run.state', sentAt: Date.now(), runId: id, workerId, state: 'started' });
    const pool = new WindowPool(defaultProfile(200), 8, 42);
    const publishStarted = Date.now();
    for (let second = 0; second < seconds; second++) {
      await Promise.all(
        workerIds.map((workerId, index) =>
          publish({
            v: PROTOCOL_VERSION,
            type: 'run.window',
            sentAt: Date.now(),
            runId: id,
            workerId,
            seq: second,
            second,
            data: pool.windowFor(index, second).data,
          }),
        ),
      );
    }
    const expected = workers * seconds;
    const storeDeadline = Date.now() + 600_000;
    let stored = 0;
    while ((stored = await storedWindows(db.url, id)) < expected) {
      if (Date.now() > storeDeadline) throw new Error(`only ${stored} of ${expected} windows stored within 10 min`);
      await sleep(500);
    }
    const storedInMs = Date.now() - publishStarted;
    const timings: number[] = [];
    let requests = 0;
    let state = '';
    for (let i = 0; i <= reads; i++) {
      const t0 = performance.now();
      const read = await api<{ state: string; summary: { requests: number } | null }>(master.url, 'GET', `/api/v1/runs/${id}`, undefined, 120_000);
      timings.push(performance.now() - t0);
      if (read.status !== 200) throw new Error(`GET /runs/:id answered ${read.status}`);
      requests = read.body.summary?.requests ?? 0;
      state = read.body.state;
    }
    if (state !== 'running') throw new Error(`the run is ${state}, not running, when read`);
    const [first, ...rest] = timings;
    const sorted = [...rest].sort((a, b) => a - b);
    const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const result = {
      label: values.label,
      commit: git(['rev-parse', 'HEAD']),
      uncommitted: git(['status', '--porcelain', '--', 'apps', 'libs'])
        .split('\n')
        .filter((l) => l.trim() !== ''),
      at: new Date().toISOString(),
      machine: { cores: cpus().length, loadavg1: loadavg()[0] },
      workers,
      seconds,
      windowsStored: stored,
      storedInMs,
      summaryRequests: requests,
      firstReadMs: Math.round(first! * 10) / 10,
      reads: rest.length,
      medianMs: Math.round(percentile(sorted, 50) * 10) / 10,
      p90Ms: Math.round(percentile(sorted, 90) * 10) / 10,
      minMs: Math.round(sorted[0]! * 10) / 10,
      maxMs: Math.round(sorted.at(-1)! * 10) / 10,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(heartbeats);
    await connection.close().catch(() => undefined);
    await master.stop();
    closeSync(logFd);
    await deleteBrokerObjects(values['amqp-url'], namespace, workerIds);
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`run-read bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
