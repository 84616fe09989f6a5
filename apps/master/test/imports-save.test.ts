import { readFileSync } from 'node:fs';
import type { Plan, PlanList, PlanResource } from '@loadtest/protocol';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { parseAllowlist } from '@loadtest/targets';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const fixture = (name: string) => readFileSync(new URL(`../../../libs/plan-import/test/fixtures/${name}`, import.meta.url), 'utf8');

/** A plan as answered, without what the server adds. */
function planOf(resource: PlanResource): Plan {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...plan } = resource;
  return plan;
}

describe('imports saved as they are: ?save=true (real PostgreSQL)', () => {
  let db: TestDatabase;
  let hub: InProcessHub;
  let master: Master;

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = new InProcessHub(silent);
    // The imported recordings target hosts of their own: any host is allowed here (targets.test.ts checks the allowlist on imports).
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, targets: { allowlist: parseAllowlist('*') } });
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await hub.close();
    await db.drop();
  }, 60_000);

  const send = async <T>(method: 'GET' | 'POST', url: string, payload?: string, contentType = 'application/json') => {
    const response = await master.app.inject({ method, url, ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }) });
    return { status: response.statusCode, body: response.json<T>() };
  };

  const imports = [
    { kind: 'har', payload: fixture('shop-session.har'), contentType: 'application/json' },
    {
      kind: 'curl',
      payload: 'curl http://127.0.0.1:1/users -H \'Accept: application/json\'\ncurl -X POST http://127.0.0.1:1/users --json \'{"name":"Ada","age":36}\'',
      contentType: 'text/plain',
    },
    { kind: 'legacy', payload: fixture('legacy-saved-plan.json'), contentType: 'application/json' },
  ];

  it.each(imports)(
    '$kind: stores the converted plan and answers 201 with it, the same plan POST /plans stores from the plain answer',
    async ({ kind, payload, contentType }) => {
      const plain = await send<{ plan: Plan }>('POST', `/api/v1/imports/${kind}?name=Imported%20${kind}`, payload, contentType);
      expect(plain.status).toBe(200);
      const before = (await send<PlanList>('GET', '/api/v1/plans')).body.items.length;

      const saved = await send<PlanResource>('POST', `/api/v1/imports/${kind}?name=Imported%20${kind}&save=true`, payload, contentType);
      expect(saved.status).toBe(201);
      expect(saved.body.id).toEqual(expect.any(String));
      expect(planOf(saved.body)).toEqual(plain.body.plan);
      // Stored: it reads back, and the plan list has one more.
      expect((await send<PlanResource>('GET', `/api/v1/plans/${saved.body.id}`)).body).toEqual(saved.body);
      expect((await send<PlanList>('GET', '/api/v1/plans')).body.items.length).toBe(before + 1);

      // The plain answer's `plan`, POSTed, is the same plan (the two-step way keeps working).
      const posted = await send<PlanResource>('POST', '/api/v1/plans', JSON.stringify(plain.body.plan));
      expect(posted.status).toBe(201);
      expect(planOf(posted.body)).toEqual(planOf(saved.body));
    },
  );

  it('stores nothing without save (or with save=false), and refuses a save value that is not a boolean', async () => {
    const before = (await send<PlanList>('GET', '/api/v1/plans')).body.items.length;
    const { payload, contentType } = imports[1]!;
    expect((await send('POST', '/api/v1/imports/curl', payload, contentType)).status).toBe(200);
    expect((await send('POST', '/api/v1/imports/curl?save=false', payload, contentType)).status).toBe(200);
    const bad = await send<{ issues: { path: string }[] }>('POST', '/api/v1/imports/curl?save=maybe', payload, contentType);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]!.path).toBe('save');
    expect((await send<PlanList>('GET', '/api/v1/plans')).body.items.length).toBe(before);
  });
});
