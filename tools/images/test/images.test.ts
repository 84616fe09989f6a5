import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import pg from 'pg';
import { freePort } from '@loadtest/process';
import { startTarget, type TargetServer } from '@loadtest/target';
import { brokerNames } from '@loadtest/transport';
import { buildah, imageCommand, newContainer, runContainer, type Running } from '../src/buildah.js';

/**
 * The images as an operator runs them: built with buildah from the bundles (tools/images/build-images.sh), then the
 * master's and a worker's container started on this machine's RabbitMQ and PostgreSQL (host network), a short run
 * through them against a target this test starts on 127.0.0.1. Every container and process is removed at the end.
 */
const exec = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
const MASTER_IMAGE = `localhost/loadtest/master:${VERSION}`;
const WORKER_IMAGE = `localhost/loadtest/worker:${VERSION}`;
const ADMIN_URL = process.env.IMAGES_CHECK_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.IMAGES_CHECK_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// Unique per check: the machine's broker and database are shared with other runs.
const SUFFIX = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const DATABASE = `loadtest_images_${SUFFIX}`;
const NAMESPACE = `loadtest-images-${SUFFIX}`;
const WORKER_ID = `images-${SUFFIX}`;
/** The second worker's identity, taken from a slot as compose's scaled workers do (docker/worker-slot.mjs). */
const SLOT_ID = `images-slot-${SUFFIX}`;
const TOKEN = `lt_${randomBytes(32).toString('base64url')}`;
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers something, for at most `ms`; the failure names what was awaited. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not within ${ms} ms (${String(last ?? 'no answer')})\n${context()}`);
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: AUTH, signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as T };
}

describe('the images', () => {
  let target: TargetServer;
  const containers: string[] = [];
  const running: Running[] = [];
  let dbCreated = false;
  let slotDir = '';
  let masterPort = 0;
  let workerPort = 0;
  let master: Running;
  let worker: Running;
  let base = '';
  let startedAt = 0;
  const logs = () => running.map((r) => r.output().split('\n').slice(-30).join('\n')).join('\n----\n');

  beforeAll(async () => {
    // Builds the images (the base made first when absent); stdout says how long each step took. IMAGES_CHECK_SKIP_BUILD=1
    // runs the images already built, when working on this check itself.
    if (process.env.IMAGES_CHECK_SKIP_BUILD !== '1') {
      const build = Date.now();
      const { stdout } = await exec('bash', [`${ROOT}tools/images/build-images.sh`], { cwd: ROOT, timeout: 25 * 60_000, maxBuffer: 16 * 1024 * 1024 });
      process.stdout.write(`${stdout}build-images.sh: ${Math.round((Date.now() - build) / 1000)} s\n`);
    }
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${DATABASE}"`);
    dbCreated = true;
    await admin.end();
    target = await startTarget({ host: '127.0.0.1', port: 0 });
    [masterPort, workerPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${masterPort}`;
  }, 30 * 60_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    for (const name of containers) await buildah(['rm', name]).catch(() => undefined);
    await target?.close();
    if (slotDir) rmSync(slotDir, { recursive: true, force: true });
    // The check's own queues and exchange on the shared broker (its namespace is unique).
    try {
      const names = brokerNames(NAMESPACE);
      const connection = await amqplib.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.deleteQueue(names.workerQueue(WORKER_ID));
      await channel.deleteQueue(names.workerQueue(SLOT_ID));
      await channel.deleteQueue(names.masterQueue);
      await channel.deleteExchange(names.exchange);
      await connection.close();
    } catch (error) {
      process.stderr.write(`images check: broker clean-up failed: ${(error as Error).message}\n`);
    }
    if (dbCreated) {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);

  it('record a pinned base, the non-root user 10001, the ports and a HEALTHCHECK probing /healthz', async () => {
    for (const [image, port] of [
      [MASTER_IMAGE, '8080'],
      [WORKER_IMAGE, '9464'],
    ] as const) {
      const config = JSON.parse(await buildah(['inspect', '--type', 'image', image])) as {
        Docker: { config: { User: string; ExposedPorts: Record<string, unknown>; Healthcheck?: { Test: string[] } } };
      };
      expect(config.Docker.config.User).toBe('10001:10001');
      expect(Object.keys(config.Docker.config.ExposedPorts)).toEqual([`${port}/tcp`]);
      expect(config.Docker.config.Healthcheck?.Test.join(' ')).toContain('/healthz');
    }
  });

  it('the master answers /readyz on the real PostgreSQL and RabbitMQ, as user 10001, and serves the dashboard', async () => {
    const name = `loadtest-images-master-${SUFFIX}`;
    containers.push(await newContainer(MASTER_IMAGE, name));
    startedAt = Date.now();
    master = runContainer(
      name,
      {
        PORT: String(masterPort),
        DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${DATABASE}`,
        AMQP_URL,
        AMQP_NAMESPACE: NAMESPACE,
        LOADTEST_ADMIN_TOKEN: TOKEN,
        LOADTEST_TARGET_ALLOWLIST: `127.0.0.1:${target.port}`,
      },
      await imageCommand(MASTER_IMAGE),
    );
    running.push(master);
    const ready = await until('master /readyz 200', 90_000, async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined), logs);
    expect(ready).toBe(true);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"');
    // The image's own HEALTHCHECK command, run in a second container of the image (same network, same PORT).
    const probeName = `loadtest-images-probe-${SUFFIX}`;
    containers.push(await newContainer(MASTER_IMAGE, probeName));
    const health = JSON.parse(await buildah(['inspect', '--type', 'image', MASTER_IMAGE])) as { Docker: { config: { Healthcheck: { Test: string[] } } } };
    const probe = runContainer(probeName, { PORT: String(masterPort) }, health.Docker.config.Healthcheck.Test.slice(1));
    running.push(probe);
    await until('healthcheck exit', 30_000, async () => (probe.child.exitCode !== null ? true : undefined));
    expect(probe.child.exitCode).toBe(0);
    const whoami = runContainer(probeName, {}, ['id', '-u']);
    running.push(whoami);
    await until('id -u', 30_000, async () => (whoami.child.exitCode !== null ? true : undefined));
    expect(whoami.output().trim()).toBe('10001');
  }, 150_000);

  it('a worker container joins the master (GET /api/v1/workers) and answers its HEALTHCHECK port', async () => {
    const name = `loadtest-images-worker-${SUFFIX}`;
    containers.push(await newContainer(WORKER_IMAGE, name));
    worker = runContainer(
      name,
      {
        AMQP_URL,
        AMQP_NAMESPACE: NAMESPACE,
        WORKER_ID,
        WORKER_THREADS: '1',
        WORKER_HTTP_PORT: String(workerPort),
        LOADTEST_TARGET_ALLOWLIST: `127.0.0.1:${target.port}`,
      },
      await imageCommand(WORKER_IMAGE),
    );
    running.push(worker);
    type Workers = { items: { id: string; state: string }[] };
    const online = await until(
      'worker online at the master',
      60_000,
      async () => (await getJson<Workers>(`${base}/api/v1/workers`)).body.items.find((w) => w.id === WORKER_ID && w.state === 'online'),
      logs,
    );
    expect(online.state).toBe('online');
    expect((await fetch(`http://127.0.0.1:${workerPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/readyz`)).status).toBe(200);
  }, 90_000);

  it("a worker started as compose starts them (worker-slot.mjs) takes a slot's identity and broker URL, and joins", async () => {
    // A slot folder the container's user (10001) reads, and a claims folder it writes, as compose's volumes are.
    const dir = (slotDir = mkdtempSync(join(tmpdir(), 'loadtest-images-slots-')));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'slots'), { mode: 0o755 });
    writeFileSync(join(dir, 'slots', SLOT_ID), AMQP_URL, { mode: 0o644 });
    mkdirSync(join(dir, 'claims'), { mode: 0o700 });
    chownSync(join(dir, 'claims'), 10001, 10001);
    const name = `loadtest-images-slot-${SUFFIX}`;
    containers.push(await newContainer(WORKER_IMAGE, name));
    const slotWorker = runContainer(
      name,
      {
        AMQP_NAMESPACE: NAMESPACE,
        WORKER_THREADS: '1',
        WORKER_HTTP_PORT: '',
        WORKER_SLOTS_DIR: '/etc/loadtest/broker',
        WORKER_CLAIMS_DIR: '/run/loadtest-claims',
        LOADTEST_TARGET_ALLOWLIST: `127.0.0.1:${target.port}`,
      },
      ['node', 'dist/apps/worker/worker-slot.mjs'],
      [`${join(dir, 'slots')}:/etc/loadtest/broker:ro`, `${join(dir, 'claims')}:/run/loadtest-claims`],
    );
    running.push(slotWorker);
    type Workers = { items: { id: string; state: string }[] };
    const online = await until(
      'slot worker online at the master',
      60_000,
      async () => (await getJson<Workers>(`${base}/api/v1/workers`)).body.items.find((w) => w.id === SLOT_ID && w.state === 'online'),
      logs,
    );
    expect(online.state).toBe('online');
    expect(readFileSync(join(dir, 'claims', SLOT_ID, 'owner'), 'utf8')).not.toBe('');
  }, 90_000);

  it('a 2-second run at 20 requests/s goes through the containers to the target, counted by both', async () => {
    const plan = await fetch(`${base}/api/v1/plans`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ name: 'images check', baseUrl: target.url, requests: [{ name: 'root', method: 'GET', path: '/' }] }),
    });
    expect(plan.status).toBe(201);
    const planId = ((await plan.json()) as { id: string }).id;
    target.resetStats();
    const started = await fetch(`${base}/api/v1/plans/${planId}/runs`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ scenarios: [{ name: 'steady', executor: 'constant-arrival-rate', rate: 20, duration: 2, maxVUs: 4 }] }),
    });
    const startedBody = (await started.json()) as { id: string };
    expect([started.status, JSON.stringify(startedBody).slice(0, 300)]).toEqual([201, expect.any(String)]);
    type Run = { state: string; summary?: { requests: number; statusCodes: Record<string, number> } };
    const run = await until(
      'run finished',
      60_000,
      async () => {
        const { body } = await getJson<Run>(`${base}/api/v1/runs/${startedBody.id}`);
        if (['failed', 'interrupted', 'stopped'].includes(body.state)) throw new Error(`run ended ${body.state}: ${JSON.stringify(body).slice(0, 500)}`);
        return body.state === 'finished' ? body : undefined;
      },
      logs,
    );
    const served = target.stats().served;
    process.stdout.write(`images check: the run reported ${run.summary!.requests} requests, the target served ${served}\n`);
    expect(run.summary!.requests).toBeGreaterThan(0);
    expect(run.summary!.statusCodes['200']).toBe(run.summary!.requests);
    expect(served).toBeGreaterThanOrEqual(run.summary!.requests);
  }, 90_000);

  it('wrote nothing outside /tmp: the containers work on a read-only root filesystem', async () => {
    await Promise.all(running.map((r) => r.stop()));
    const since = (Date.now() - startedAt) / 60_000;
    const written: string[] = [];
    for (const name of containers) {
      const mount = await buildah(['mount', name]);
      try {
        // buildah run itself writes /etc/hosts, /etc/resolv.conf, /etc/hostname and the mount points of /dev, /proc, /sys, /run.
        const { stdout } = await exec(
          'find',
          [
            mount,
            '-xdev',
            '-mmin',
            `-${since.toFixed(2)}`,
            '-not',
            '-type',
            'd',
            '-not',
            '-path',
            `${mount}/tmp/*`,
            '-not',
            '-path',
            `${mount}/run/*`,
            '-not',
            '-path',
            `${mount}/dev/*`,
          ],
          { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        );
        written.push(
          ...stdout
            .split('\n')
            .filter(Boolean)
            .map((p) => p.slice(mount.length))
            .filter((p) => !['/etc/hosts', '/etc/resolv.conf', '/etc/hostname'].includes(p)),
        );
      } finally {
        await buildah(['umount', name]).catch(() => undefined);
      }
    }
    expect(written).toEqual([]);
  }, 120_000);
});
