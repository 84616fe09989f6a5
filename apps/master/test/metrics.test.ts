import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessHub } from '@loadtest/transport';
import type { Master } from '../src/app.js';
import { buildTestMaster, injectAnonymously } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

/** The value of one sample line of Prometheus's text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health and Prometheus metrics (real PostgreSQL)', () => {
  let db: TestDatabase;
  let master: Master;

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: null });
    await master.listenToWorkers();
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  const metrics = async () => {
    const response = await injectAnonymously(master.app, { method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('serves the process, worker, run, ingest, live-client and HTTP metrics without a token', async () => {
    for (let i = 0; i < 3; i++) await master.app.inject({ method: 'GET', url: '/api/v1/plans' });
    await injectAnonymously(master.app, { method: 'GET', url: '/api/v1/plans' });
    const text = await metrics();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    for (const state of ['online', 'busy', 'missing', 'lost']) expect(sample(text, `loadtest_workers{state="${state}"}`)).toBe(0);
    for (const state of ['pending', 'running', 'finished', 'stopped', 'failed', 'interrupted']) expect(sample(text, `loadtest_runs{state="${state}"}`)).toBe(0);
    expect(sample(text, 'loadtest_windows_ingested_total')).toBe(0);
    expect(sample(text, 'loadtest_broker_reconnects_total')).toBe(0);
    expect(sample(text, 'loadtest_live_clients')).toBe(0);
    expect(sample(text, 'loadtest_live_lag_seconds_count')).toBe(0);
    // By the route's pattern and status class: 3 answered, 1 refused without a token.
    expect(sample(text, 'loadtest_http_request_duration_seconds_count{method="GET",route="/api/v1/plans",status="2xx"}')).toBe(3);
    expect(sample(text, 'loadtest_http_request_duration_seconds_count{method="GET",route="/api/v1/plans",status="4xx"}')).toBe(1);
  });

  it('is ready while the database and the broker answer; not ready, naming why, while the broker is away; a reconnect is counted', async () => {
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    master.brokerDown();
    const down = await injectAnonymously(master.app, { method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', reason: 'the broker connection is down' });
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    master.brokerUp();
    expect((await injectAnonymously(master.app, { method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect(sample(await metrics(), 'loadtest_broker_reconnects_total')).toBe(1);
  });
});
