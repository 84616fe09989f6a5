import {
  type LiveRunStateEvent,
  type LiveWindowEvent,
  type PlanResource,
  type RunResource,
  type Timeline,
  type TrialRequestEvent,
  type TrialResource,
  type WorkerList,
} from '@loadtest/protocol';
import { brokerNames } from '@loadtest/transport';
import { startTarget, TARGET_PASSWORD, type TargetServer } from '@loadtest/target';
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@loadtest/process';
import {
  AMQP_URL,
  AUTH_HEADERS,
  REPO_ROOT,
  api,
  createDatabase,
  runInState,
  sleep,
  startTs,
  storedWindows,
  summaryOf,
  until,
  type RunningProcess,
} from './harness.js';

/**
 * The distributed mode on this machine's real services: a master process and
 * two worker processes talking through RabbitMQ, history in PostgreSQL.
 */
describe('distributed mode: master + 2 worker processes over the real RabbitMQ and PostgreSQL', () => {
  const namespace = `e2e-${randomUUID().slice(0, 8)}`;
  let db: { url: string; drop(): Promise<void> };
  let target: TargetServer;
  let master: RunningProcess;
  const workers: RunningProcess[] = [];
  let base: string;
  let planId: string;
  let w2HttpPort: number;
  /** Waits until both workers are online and free (a run that just ended may still hold them a moment). */
  const bothIdle = () =>
    until(
      async () =>
        (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body.items.filter((w) => w.state === 'online' && w.capabilities && w.lastHeartbeatAt).length ===
        2,
      20_000,
      'two workers online and idle',
    );

  beforeAll(async () => {
    db = await createDatabase();
    target = await startTarget();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = { AMQP_URL, AMQP_NAMESPACE: namespace };
    // The master reads its database's URL from a file, as a mounted Kubernetes Secret gives it (DATABASE_URL_FILE).
    const secrets = mkdtempSync(join(tmpdir(), 'e2e-secrets-'));
    writeFileSync(join(secrets, 'database-url'), `${db.url}\n`);
    master = startTs('master', 'apps/master/src/main.ts', { ...env, DATABASE_URL: '', DATABASE_URL_FILE: join(secrets, 'database-url'), PORT: String(port) });
    await master.waitForLog((r) => r.msg === 'master ready');
    // One worker reads the broker's URL from a file (AMQP_URL_FILE).
    writeFileSync(join(secrets, 'amqp-url'), AMQP_URL);
    workers.push(
      startTs('e2e-w1', 'apps/worker/src/main.ts', { AMQP_NAMESPACE: namespace, AMQP_URL: '', AMQP_URL_FILE: join(secrets, 'amqp-url'), WORKER_ID: 'e2e-w1' }),
    );
    // The other serves its probes and metrics (WORKER_HTTP_PORT).
    w2HttpPort = await freePort();
    workers.push(startTs('e2e-w2', 'apps/worker/src/main.ts', { ...env, WORKER_ID: 'e2e-w2', WORKER_HTTP_PORT: String(w2HttpPort) }));
    await bothIdle();
    const plan = await api<PlanResource>(base, 'POST', '/api/v1/plans', {
      name: 'e2e',
      baseUrl: target.url,
      requests: [{ name: 'root', method: 'GET', path: '/' }],
    });
    planId = plan.body.id;
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await master?.stop();
    await target?.close();
    await db?.drop();
    const names = brokerNames(namespace);
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const id of ['e2e-w1', 'e2e-w2']) await channel.deleteQueue(names.workerQueue(id));
    await channel.deleteQueue(names.masterQueue);
    await channel.deleteExchange(names.exchange);
    await connection.close();
  });

  it('lists both workers with host, state, last heartbeat and capabilities', async () => {
    const { body } = await api<WorkerList>(base, 'GET', '/api/v1/workers');
    expect(body.items.map((w) => w.id)).toEqual(['e2e-w1', 'e2e-w2']);
    for (const w of body.items) {
      expect(w.host).toBeTruthy();
      expect(w.state).toBe('online');
      expect(Date.now() - Date.parse(w.lastHeartbeatAt!)).toBeLessThan(3000);
      expect(w.capabilities).toMatchObject({ cores: expect.any(Number), memoryBytes: expect.any(Number) });
    }
  });

  it('rejects and logs malformed broker messages, and keeps running', async () => {
    const names = brokerNames(namespace);
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    channel.publish(names.exchange, 'run.window', Buffer.from('{"v":1,"type":"run.window","seq":"three"}'));
    channel.publish(names.exchange, 'worker.heartbeat', Buffer.from('definitely not json'));
    await channel.waitForConfirms();
    await connection.close();
    await until(() => master.logs.filter((r) => r.msg === 'rejected invalid message').length >= 2, 10_000, 'rejections logged');
    const reasons = master.logs.filter((r) => r.msg === 'rejected invalid message').map((r) => String(r.reason));
    expect(reasons.some((r) => r.includes('seq'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('not JSON'))).toBe(true);
    expect(master.child.exitCode).toBeNull();
  });

  it('runs 5 s over both workers: totals match the target, live deltas over websocket, summary merged from stored windows', async () => {
    const socket: Socket = io(base, { transports: ['websocket'], reconnection: false, extraHeaders: AUTH_HEADERS });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(socket.io.engine.transport.name).toBe('websocket');
    const liveWindows: LiveWindowEvent[] = [];
    const liveStates: LiveRunStateEvent[] = [];
    socket.on('run:window', (e: LiveWindowEvent) => liveWindows.push(e));
    socket.on('run:state', (e: LiveRunStateEvent) => liveStates.push(e));

    await bothIdle();
    target.resetStats();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${planId}/runs`, { connections: 20, durationSeconds: 5 });
    expect(started.status).toBe(201);
    expect(started.body.workers.map((w) => [w.workerId, w.connections])).toEqual([
      ['e2e-w1', 10],
      ['e2e-w2', 10],
    ]);
    const ack = (await socket.emitWithAck('run:subscribe', { runId: started.body.id })) as { ok: boolean; state?: string };
    // On a busy machine the run may already have started when the subscription is taken.
    expect(ack).toMatchObject({ ok: true });
    expect(['pending', 'running']).toContain(ack.state);
    // The raw WebSocket stream shares the HTTP server with Socket.IO.
    const raw = new WebSocket(`${base.replace('http', 'ws')}/api/v1/runs/${started.body.id}/stream`, { headers: AUTH_HEADERS });
    const rawFrames: { event: string; second?: number; requests?: number; state?: string }[] = [];
    raw.on('message', (data) => rawFrames.push(JSON.parse(String(data)) as (typeof rawFrames)[number]));
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', reject);
    });

    const run = await runInState(base, started.body.id, 'finished', 30_000);
    await sleep(300);
    socket.close();
    raw.close();

    const served = target.stats().served;
    const reported = run.summary!.requests;
    // eslint-disable-next-line no-console -- the figures the issue asks for, in the test output
    console.log(
      `e2e distributed: reported ${reported} requests, target served ${served}, difference ${served - reported}, interrupted ${run.summary!.errors.interrupted} (20 connections)`,
    );
    expect(reported).toBeGreaterThan(1000);
    // The requests in flight at the end finish within the gracefulStop and are counted: every one the target served.
    expect(reported).toBe(served);
    expect(run.summary!.errors.interrupted).toBe(0);

    const stored = await storedWindows(db.url, run.id);
    for (const workerId of ['e2e-w1', 'e2e-w2']) {
      const own = stored.filter((w) => w.workerId === workerId);
      expect(own.map((w) => w.seq)).toEqual([0, 1, 2, 3, 4]);
    }
    expect(run.summary).toEqual(summaryOf(stored));
    expect(run.summary!.latencyMicros!.p50).toBeGreaterThan(0);
    // e2e-w2's own metrics count exactly what its stored windows hold; it is ready (its broker is connected).
    const w2Requests = summaryOf(stored.filter((w) => w.workerId === 'e2e-w2')).requests;
    const metricsText = await (await fetch(`http://127.0.0.1:${w2HttpPort}/metrics`)).text();
    expect(metricsText.split('\n')).toContain(`loadtest_worker_requests_total ${w2Requests}`);
    expect((await fetch(`http://127.0.0.1:${w2HttpPort}/readyz`)).status).toBe(200);
    // Every series the Grafana dashboard (deployments/grafana) asks for is one the master or a worker serves.
    const masterMetrics = await (await fetch(`${base}/metrics`)).text();
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deployments/grafana/loadtest-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const asked = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((t) => t.expr.match(/\b(?:loadtest|nodejs|process)_[a-z0-9_]+/g) ?? [])));
    const isServed = (name: string) => [masterMetrics, metricsText].some((text) => new RegExp(`^${name}[{ ]`, 'm').test(text));
    expect([...asked].filter((name) => !isServed(name))).toEqual([]);
    expect(asked.size).toBeGreaterThan(10);
    expect(run.summary!.statusCodes).toEqual({ '200': reported });

    const timeline = await api<Timeline>(base, 'GET', `/api/v1/runs/${run.id}/timeline`);
    expect(timeline.body.points.map((p) => p.second)).toEqual([0, 1, 2, 3, 4]);
    // Live: one merged delta per second, never the history so far.
    expect(liveWindows.map((e) => e.second)).toEqual([0, 1, 2, 3, 4]);
    for (const event of liveWindows) {
      expect(event.runId).toBe(run.id);
      expect(event.workers).toBe(2);
      expect(event.requests).toBe(timeline.body.points[event.second]!.requests);
    }
    // Every state change after the subscription, once each, in order.
    const statesAfterSubscribe = ack.state === 'pending' ? ['running', 'finished'] : ['finished'];
    expect(liveStates.map((s) => s.state)).toEqual(statesAfterSubscribe);
    expect(rawFrames.filter((f) => f.event === 'run:window').map((f) => [f.second, f.requests])).toEqual(liveWindows.map((e) => [e.second, e.requests]));
    // The raw stream opened a moment later still: the state changes it saw are the last of them.
    const rawStates = rawFrames.filter((f) => f.event === 'run:state').map((f) => f.state);
    expect(rawStates.length).toBeGreaterThan(0);
    expect(rawStates).toEqual(['running', 'finished'].slice(-rawStates.length));
  });

  it('closes the raw stream of an unknown run with 4404', async () => {
    const raw = new WebSocket(`${base.replace('http', 'ws')}/api/v1/runs/00000000-0000-4000-8000-000000000000/stream`, { headers: AUTH_HEADERS });
    const code = await new Promise<number>((resolve) => raw.once('close', (c) => resolve(c)));
    expect(code).toBe(4404);
  });

  it('stops a run on POST /stop: the target stops receiving within 1 s, the run ends stopped with its windows', async () => {
    await bothIdle();
    target.resetStats();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${planId}/runs`, { connections: 10, durationSeconds: 60 });
    await runInState(base, started.body.id, 'running', 10_000);
    await sleep(1500);
    const stopAt = Date.now();
    const stop = await api<RunResource>(base, 'POST', `/api/v1/runs/${started.body.id}/stop`);
    expect(stop.status).toBe(202);
    // Sample the target's count until it stops moving.
    let last = target.stats().served;
    let lastChange = Date.now();
    while (Date.now() - lastChange < 700 && Date.now() - stopAt < 10_000) {
      await sleep(50);
      const now = target.stats().served;
      if (now !== last) {
        last = now;
        lastChange = Date.now();
      }
    }
    const stoppedAfterMs = lastChange - stopAt;
    // eslint-disable-next-line no-console -- the figure the issue asks for
    console.log(`e2e stop: last request reached the target ${stoppedAfterMs} ms after POST /stop`);
    expect(stoppedAfterMs).toBeLessThan(1000);
    const run = await runInState(base, started.body.id, 'stopped', 10_000);
    const endedAfterMs = Date.parse(run.endedAt!) - stopAt;
    const served = target.stats().served;
    const answered = run.summary!.requests;
    const interrupted = run.summary!.errors.interrupted;
    // eslint-disable-next-line no-console -- the figures the issue asks for
    console.log(
      `e2e stop: the run ended stopped ${endedAfterMs} ms after POST /stop; answered ${answered}, interrupted ${interrupted}, target served ${served}`,
    );
    expect(run.workers.map((w) => w.state)).toEqual(['stopped', 'stopped']);
    expect(answered).toBeGreaterThan(0);
    // A stop does not wait for the requests in flight: they count as interrupted, and the target may have served them.
    expect(interrupted).toBeLessThanOrEqual(10);
    expect(served).toBeGreaterThanOrEqual(answered);
    expect(served).toBeLessThanOrEqual(answered + interrupted);
    expect((await api(base, 'POST', `/api/v1/runs/${run.id}/stop`)).status).toBe(409);
  });

  it('stops sending live events to a client after it unsubscribes, while a client still subscribed goes on getting them', async () => {
    /** A live client subscribed to the run: the seconds of the windows and the states it was sent. */
    const client = () => {
      const socket: Socket = io(base, { transports: ['websocket'], reconnection: false, extraHeaders: AUTH_HEADERS });
      const seen = { socket, seconds: [] as number[], states: [] as string[] };
      socket.on('run:window', (e: LiveWindowEvent) => seen.seconds.push(e.second));
      socket.on('run:state', (e: LiveRunStateEvent) => seen.states.push(e.state));
      return seen;
    };
    const leaving = client();
    const staying = client();
    try {
      await bothIdle();
      const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${planId}/runs`, { connections: 4, durationSeconds: 4 });
      for (const { socket } of [leaving, staying]) expect(await socket.emitWithAck('run:subscribe', { runId: started.body.id })).toMatchObject({ ok: true });
      await until(() => leaving.seconds.length >= 1, 10_000, 'first live window');
      expect(await leaving.socket.emitWithAck('run:unsubscribe', { runId: started.body.id })).toMatchObject({ ok: true });
      const leftAfter = { windows: leaving.seconds.length, states: leaving.states.length };
      const lastSecondSeen = Math.max(...leaving.seconds);
      await runInState(base, started.body.id, 'finished', 15_000);
      // The run's end reaches the client still subscribed: its later windows and its final state.
      await until(() => staying.states.includes('finished'), 10_000, "'finished' sent to the subscribed client");
      expect(staying.seconds.some((second) => second > lastSecondSeen)).toBe(true);
      // Nothing more reaches the one that unsubscribed.
      expect(leaving.seconds.length).toBe(leftAfter.windows);
      expect(leaving.states.length).toBe(leftAfter.states);
      expect(leaving.states).not.toContain('finished');
      expect(await leaving.socket.emitWithAck('run:subscribe', { runId: 'nope' })).toMatchObject({ ok: false });
    } finally {
      leaving.socket.close();
      staying.socket.close();
    }
  });

  it('tries one iteration over RabbitMQ: trial.assign to one idle worker, its trace back, the target saw exactly those requests', async () => {
    await bothIdle();
    target.resetStats();
    const plan = {
      name: 'try',
      baseUrl: target.url,
      steps: [
        {
          name: 'login',
          method: 'POST',
          url: '/login',
          body: { json: { user: 'e2e', password: TARGET_PASSWORD } },
          extract: [{ var: 'token', jsonPath: '$.token' }],
          checks: [{ status: [200] }],
        },
        {
          kind: 'if',
          condition: { on: 'status', op: 'equals', value: 200 },
          then: [{ name: 'protected', method: 'GET', url: '/protected', headers: { Authorization: 'Bearer ${token}' }, checks: [{ status: [200] }] }],
        },
      ],
    };
    const { status, body } = await api<TrialResource>(base, 'POST', '/api/v1/trials', { plan });
    expect(status).toBe(200);
    expect(['e2e-w1', 'e2e-w2']).toContain(body.workerId);
    expect(body.failure).toBeNull();
    const requests = body.events.filter((e): e is TrialRequestEvent => e.kind === 'request');
    expect(requests.map((r) => [r.name, r.response?.status, r.checks.map((c) => c.passed)])).toEqual([
      ['login', 200, [true]],
      ['protected', 200, [true]],
    ]);
    const token = requests[0]!.extracted[0]!.value;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(requests[1]!.request!.headers).toContainEqual({ name: 'Authorization', value: `Bearer ${token}` });
    expect(target.stats().byRoute).toEqual({ 'POST /login': 1, 'GET /protected': 1 });
  });
});
