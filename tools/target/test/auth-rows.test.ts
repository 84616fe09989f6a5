import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTarget, TARGET_PASSWORD, type TargetServer, type TargetStats } from '../src/index.js';

describe('mock target: login, a protected route and rows', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  const stats = async () => (await (await fetch(`${target.url}/__stats`)).json()) as TargetStats;

  it('issues a token for the right password (JSON or form) and lets it through /protected; counts every 401', async () => {
    target.resetStats();
    const json = await fetch(`${target.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ann', password: TARGET_PASSWORD }),
    });
    expect(json.status).toBe(200);
    const { token } = (await json.json()) as { token: string };
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const form = await fetch(`${target.url}/login`, { method: 'POST', body: new URLSearchParams({ user: 'bob', password: TARGET_PASSWORD }) });
    const other = ((await form.json()) as { token: string }).token;
    expect(other).not.toBe(token);

    for (const t of [token, other]) {
      const ok = await fetch(`${target.url}/protected`, { headers: { authorization: `Bearer ${t}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true });
    }
    expect((await stats()).unauthorized).toBe(0);

    const wrong = await fetch(`${target.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ann', password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${target.url}/protected`)).status).toBe(401);
    expect((await fetch(`${target.url}/protected`, { headers: { authorization: 'Bearer 0123' } })).status).toBe(401);
    expect((await fetch(`${target.url}/protected`, { headers: { authorization: token } })).status).toBe(401);
    expect((await fetch(`${target.url}/login`, { method: 'POST', body: 'not json' })).status).toBe(400);

    const after = await stats();
    expect(after.unauthorized).toBe(4);
    expect(after.byRoute).toMatchObject({ 'POST /login': 4, 'GET /protected': 5 });
    expect(after.served).toBe(9);
  });

  it('records the rows it is asked for: /rows/:id, ?row= and x-row; a reset clears them', async () => {
    target.resetStats();
    for (const id of ['1', '2', '2', 'a b']) expect((await fetch(`${target.url}/rows/${encodeURIComponent(id)}`)).status).toBe(200);
    expect(await (await fetch(`${target.url}/rows/7`)).json()).toEqual({ row: '7' });
    await fetch(`${target.url}/?row=9`);
    await fetch(`${target.url}/status/200`, { headers: { 'x-row': '10' } });
    const seen = await stats();
    expect(seen.rows).toEqual({ '1': 1, '2': 2, 'a b': 1, '7': 1, '9': 1, '10': 1 });
    expect(seen.byRoute['GET /rows/:id']).toBe(5);
    expect(target.stats().rows).toEqual(seen.rows);
    await fetch(`${target.url}/__stats`, { method: 'DELETE' });
    expect(await stats()).toMatchObject({ served: 0, unauthorized: 0, rows: {} });
  });
});
