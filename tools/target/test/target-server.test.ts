import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTarget, type TargetServer } from '../src/index.js';

describe('mock target', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('serves its routes and counts each request it served', async () => {
    await fetch(`${target.url}/__stats`, { method: 'DELETE' });
    expect(await (await fetch(`${target.url}/`)).text()).toBe('ok');
    const echo = await fetch(`${target.url}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await echo.text()).toBe('{"a":1}');
    expect(echo.headers.get('content-type')).toBe('application/json');
    expect(await (await fetch(`${target.url}/echo`, { method: 'PUT', body: 'x' })).text()).toBe('x');
    expect(await (await fetch(`${target.url}/items/42`, { method: 'DELETE' })).json()).toEqual({ deleted: '42' });
    const started = Date.now();
    expect((await fetch(`${target.url}/delay/120`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect((await fetch(`${target.url}/status/503`)).status).toBe(503);
    expect((await fetch(`${target.url}/nope`)).status).toBe(404);

    const stats = (await (await fetch(`${target.url}/__stats`)).json()) as { served: number; byRoute: Record<string, number> };
    expect(stats.served).toBe(7);
    expect(stats.byRoute).toMatchObject({ 'GET /': 1, 'POST /echo': 1, 'PUT /echo': 1, 'DELETE /items/:id': 1, 'GET /delay/:ms': 1, 'GET /status/:code': 1 });
    expect(target.stats().served).toBe(7);
  });
});
