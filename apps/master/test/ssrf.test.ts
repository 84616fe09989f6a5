import type { ErrorBody, PlanResource } from '@loadtest/protocol';
import { parseAllowlist, type Lookup } from '@loadtest/targets';
import { SSRF_DENIED, SSRF_DNS, ssrfAllowlist, ssrfCases } from '@loadtest/targets/ssrf-cases';
import { InProcessHub } from '@loadtest/transport';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

/** A listener that counts the connections it gets: it stands for the forbidden loopback addresses. */
function listenCounting(host: string, port = 0): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      resolve({ port: address.port, count: () => count, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/**
 * The master's side of issue 14's SSRF suite: each case is refused by the API, when the plan is saved (400 naming
 * the field and the host) or, for a name the resolver answers with a forbidden address, when its run starts.
 */
describe('SSRF: the master refuses every case (real PostgreSQL)', () => {
  let db: TestDatabase;
  let hub: InProcessHub;
  let master: Master;
  let loopback4: Awaited<ReturnType<typeof listenCounting>>;
  let loopback6: Awaited<ReturnType<typeof listenCounting>> | undefined;
  const lookup: Lookup = async (name) => (SSRF_DNS[name] ?? []).map((address) => ({ address, family: 4 }));

  const inject = async <T>(url: string, payload: object) => {
    const response = await master.app.inject({ method: 'POST', url, payload });
    return { status: response.statusCode, body: response.json<T>() };
  };

  beforeAll(async () => {
    loopback4 = await listenCounting('127.0.0.1');
    loopback6 = await listenCounting('::1', loopback4.port).catch(() => undefined);
    db = await createTestDatabase();
    hub = new InProcessHub(silent);
    const allowlist = parseAllowlist(ssrfAllowlist(loopback4.port), SSRF_DENIED);
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, targets: { allowlist, lookup } });
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await hub.close();
    await db.drop();
    await Promise.all([loopback4.close(), loopback6?.close()]);
  }, 60_000);

  it.each(ssrfCases(18080).map((c) => [c.name]))('%s', async (name) => {
    const c = ssrfCases(loopback4.port).find((x) => x.name === name)!;
    const saved = await inject<PlanResource | ErrorBody>('/api/v1/plans', {
      name: 'p',
      baseUrl: c.baseUrl,
      steps: [{ name: 'root', method: 'GET', url: '/' }],
    });
    let refusal: ErrorBody;
    if (saved.status === 400) refusal = saved.body as ErrorBody;
    else {
      // Only a name the resolver answers with a forbidden address passes the save (no DNS there): its run is refused.
      expect([name, saved.status]).toEqual(['a name answered with loopback', 201]);
      const started = await inject<ErrorBody>(`/api/v1/plans/${(saved.body as PlanResource).id}/runs`, { connections: 1, durationSeconds: 1 });
      expect(started.status).toBe(400);
      refusal = started.body;
    }
    expect(refusal.message).toMatch(c.rule);
    expect(refusal.issues?.[0]?.path).toBe('baseUrl');
    expect(loopback4.count() + (loopback6?.count() ?? 0)).toBe(0);
  });
});
