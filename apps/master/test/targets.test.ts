import type { ErrorBody, PlanResource } from '@loadtest/protocol';
import { parseAllowlist, type Lookup } from '@loadtest/targets';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

/** The test's resolver: app.example is public, private.example answers a private address. */
const lookup: Lookup = async (name) => {
  const table: Record<string, string> = { 'app.example': '93.184.216.34', 'private.example': '10.0.0.5', 'meta.example': '169.254.169.254' };
  const address = table[name];
  if (address === undefined) throw new Error(`ENOTFOUND ${name}`);
  return [{ address, family: 4 }];
};

const plan = (baseUrl: string, steps: object[] = [{ name: 'root', method: 'GET', url: '/' }]) => ({ name: 'p', baseUrl, steps });

describe('the master checks the targets of a plan when it is saved and when a run starts (real PostgreSQL)', () => {
  let db: TestDatabase;
  let hub: InProcessHub;
  let master: Master;

  const inject = async <T>(method: 'POST' | 'PUT', url: string, payload: object | string, contentType?: string) => {
    const response = await master.app.inject({ method, url, payload, ...(contentType ? { headers: { 'content-type': contentType } } : {}) });
    return { status: response.statusCode, body: response.json<T>() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = new InProcessHub(silent);
    const allowlist = parseAllowlist('app.example, private.example, meta.example, 127.0.0.2, *.shop.example:443');
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, targets: { allowlist, lookup } });
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await hub.close();
    await db.drop();
  }, 60_000);

  it('refuses to save a plan whose base URL is not allowed: 400 naming the field and the host', async () => {
    const created = await inject<ErrorBody>('POST', '/api/v1/plans', plan('http://127.0.0.1:9/'));
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(
      /^the plan's targets are refused: baseUrl: target "127\.0\.0\.1" is refused: address 127\.0\.0\.1 port 9 is not in the allowlist/,
    );
    expect(created.body.issues).toEqual([{ path: 'baseUrl', message: expect.stringContaining('"127.0.0.1"') }]);
  });

  it('names the path of a nested step whose absolute URL is refused, on POST and PUT', async () => {
    const steps = [
      { name: 'root', method: 'GET', url: '/' },
      {
        kind: 'if',
        name: 'ok?',
        condition: { on: 'status', op: 'equals', value: 200 },
        then: [{ name: 'meta', method: 'GET', url: 'http://169.254.169.254./latest/meta-data' }],
      },
    ];
    const created = await inject<ErrorBody>('POST', '/api/v1/plans', plan('http://app.example/', steps));
    expect(created.status).toBe(400);
    expect(created.body.issues).toEqual([
      { path: 'steps[1].then[0].url', message: expect.stringMatching(/"169\.254\.169\.254" is refused: always denied: 169\.254\.0\.0\/16/) },
    ]);
    const saved = await inject<PlanResource>('POST', '/api/v1/plans', plan('http://app.example/'));
    expect(saved.status).toBe(201);
    const replaced = await inject<ErrorBody>('PUT', `/api/v1/plans/${saved.body.id}`, plan('http://app.example/', steps));
    expect(replaced.status).toBe(400);
    expect(replaced.body.issues?.[0]?.path).toBe('steps[1].then[0].url');
    const template = await inject<ErrorBody>('POST', '/api/v1/plans', {
      ...plan('http://app.example/', [{ name: 't', method: 'GET', url: 'http://${host}/x' }]),
      variables: { host: 'app.example' },
    });
    expect(template.status).toBe(400);
    expect(template.body.issues).toEqual([
      { path: 'steps[0].url', message: expect.stringMatching(/template variable: allowed only when the allowlist allows any host/) },
    ]);
  });

  it('refuses to save an import (?save=true) whose target is refused, and stores an allowed one', async () => {
    const refused = await inject<ErrorBody>('POST', '/api/v1/imports/curl?save=true', 'curl http://user@127.0.0.1:80@evil.example/', 'text/plain');
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'plan.baseUrl', message: expect.stringMatching(/userinfo|not in the allowlist/) }]);
    const allowed = await inject<PlanResource>('POST', '/api/v1/imports/curl?save=true', 'curl https://a.shop.example/x', 'text/plain');
    expect(allowed.status).toBe(201);
  });

  it('refuses a run whose target host resolves to an address the allowlist does not allow: 400 naming the host', async () => {
    for (const [host, rule] of [
      ['private.example', /target "private\.example" \(address 10\.0\.0\.5\) is refused: resolves to 10\.0\.0\.5, a private address/],
      ['meta.example', /target "meta\.example" \(address 169\.254\.169\.254\) is refused: always denied: 169\.254\.0\.0\/16/],
      ['nowhere.example', /target "nowhere\.example" is refused: host nowhere\.example port 80 is not in the allowlist/],
    ] as const) {
      // Saved with the name (allowed without DNS, except nowhere.example which is saved through a plan it was not in).
      const saved = await inject<PlanResource>('POST', '/api/v1/plans', plan(`http://${host === 'nowhere.example' ? 'app.example' : host}/`));
      expect(saved.status).toBe(201);
      if (host === 'nowhere.example') {
        // A plan stored before the allowlist changed: the run's start checks it again.
        await db.prisma.plan.update({ where: { id: saved.body.id }, data: { definition: { ...plan(`http://${host}/`), version: 1 } } });
      }
      const started = await inject<ErrorBody>('POST', `/api/v1/plans/${saved.body.id}/runs`, { connections: 1, durationSeconds: 1 });
      expect(started.status).toBe(400);
      expect(started.body.message).toMatch(rule);
      expect(started.body.issues?.[0]?.path).toBe('baseUrl');
    }
  });

  it('refuses a trial whose target host resolves to a forbidden address, before any worker is asked', async () => {
    const tried = await inject<ErrorBody>('POST', '/api/v1/trials', { plan: plan('http://private.example/') });
    expect(tried.status).toBe(400);
    expect(tried.body.issues).toEqual([{ path: 'plan.baseUrl', message: expect.stringMatching(/"private\.example" \(address 10\.0\.0\.5\) is refused/) }]);
  });

  it('takes allowlist entries from an admin through the API: stored, on record, used by the next save, kept across a restart', async () => {
    const refused = await inject<ErrorBody>('POST', '/api/v1/plans', plan('https://api.partner.example/'));
    expect(refused.status).toBe(400);
    const bad = await master.app.inject({
      method: 'PUT',
      url: '/api/v1/target-allowlist',
      payload: { entries: ['api.partner.example', 'bad host!', '10.0.0.0/99'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().issues?.map((i) => i.path)).toEqual(['entries[1]', 'entries[2]']);
    const set = await master.app.inject({ method: 'PUT', url: '/api/v1/target-allowlist', payload: { entries: ['api.partner.example:443'] } });
    expect(set.statusCode).toBe(200);
    expect(set.json<{ stored: string[]; environment: string[] }>()).toMatchObject({
      stored: ['api.partner.example:443'],
      environment: expect.arrayContaining(['app.example']),
    });
    expect((await inject<PlanResource>('POST', '/api/v1/plans', plan('https://api.partner.example/'))).status).toBe(201);
    expect((await inject<ErrorBody>('POST', '/api/v1/plans', plan('http://api.partner.example:8080/'))).status).toBe(400);
    const audit = (await master.app.inject({ method: 'GET', url: '/api/v1/audit?action=allowlist.changed' })).json<{ items: { details: unknown }[] }>().items;
    expect(audit.map((e) => e.details)).toEqual([{ before: [], after: ['api.partner.example:443'] }]);
    const again = await buildTestMaster({
      prisma: db.prisma,
      transport: new InProcessHub(silent),
      logger: silent,
      targets: { allowlist: parseAllowlist('app.example'), lookup },
    });
    try {
      expect((await again.app.inject({ method: 'GET', url: '/api/v1/target-allowlist' })).json<{ stored: string[] }>().stored).toEqual([
        'api.partner.example:443',
      ]);
    } finally {
      await again.app.close();
    }
    await master.app.inject({ method: 'PUT', url: '/api/v1/target-allowlist', payload: { entries: [] } });
    expect((await inject<ErrorBody>('POST', '/api/v1/plans', plan('https://api.partner.example/'))).status).toBe(400);
  });
});
