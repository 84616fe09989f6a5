import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeWindowBase64, WindowRecorder } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunWindow } from '@loadtest/protocol';
import { startWorkerHttp, type WorkerHttp } from '../src/observability/http-server.js';
import { workerHttpSettings } from '../src/observability/http-settings.js';
import { WorkerMetrics } from '../src/observability/worker-metrics.js';

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("the worker's probes and metrics (WORKER_HTTP_PORT)", () => {
  let server: WorkerHttp;
  let ready = false;
  let unconfirmed = 0;
  const metrics = new WorkerMetrics({ unconfirmedWindows: () => unconfirmed, activeShares: () => 1 });
  const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server.port}${path}`, { method });

  beforeAll(async () => {
    server = await startWorkerHttp({ host: '127.0.0.1', port: 0, metrics, ready: () => ready });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers /healthz always, /readyz only while the broker is connected', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', reason: 'the broker connection is down' });
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/other')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });

  it('counts the requests and errors of the windows it publishes, its VUs, unconfirmed windows and shares', async () => {
    const recorder = new WindowRecorder();
    for (let i = 0; i < 7; i++) recorder.recordResponse('home', 200, 10, 5, 900);
    recorder.recordError('home', 'timeout');
    recorder.recordError('home', 'blocked');
    const window: RunWindow = {
      v: PROTOCOL_VERSION,
      type: 'run.window',
      sentAt: Date.now(),
      runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
      workerId: 'w1',
      seq: 0,
      second: 0,
      data: encodeWindowBase64({ ...recorder.take(0, 1000), vus: 12 }),
    };
    metrics.windowPublished(window);
    metrics.windowPublished(window);
    unconfirmed = 3;
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'loadtest_worker_requests_total')).toBe(14);
    expect(sample(text, 'loadtest_worker_errors_total')).toBe(4);
    expect(sample(text, 'loadtest_worker_vus')).toBe(12);
    expect(sample(text, 'loadtest_worker_windows_unconfirmed')).toBe(3);
    expect(sample(text, 'loadtest_worker_shares_active')).toBe(1);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('reads WORKER_HTTP_PORT and WORKER_HTTP_HOST, off by default, refusing a bad port', () => {
    expect(workerHttpSettings({})).toEqual({ port: undefined, host: '127.0.0.1' });
    expect(workerHttpSettings({ WORKER_HTTP_PORT: '9464', WORKER_HTTP_HOST: '0.0.0.0' })).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(() => workerHttpSettings({ WORKER_HTTP_PORT: '70000' })).toThrow('WORKER_HTTP_PORT must be a port number (0-65535), got "70000"');
  });
});
