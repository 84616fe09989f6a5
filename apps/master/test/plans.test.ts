import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION, type ErrorBody, type PlanResource } from '@loadtest/protocol';
import { parseAllowlist } from '@loadtest/targets';
import { InProcessHub } from '@loadtest/transport';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { parse as parseYaml } from 'yaml';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { createTestDatabase, RecordingTransport, silent, type TestDatabase } from './support.js';

const DOC = new URL('../../../docs/plan-format.md', import.meta.url);

/** The complete plans of docs/plan-format.md: each fenced block right after `<!-- plan: NAME -->`. */
function docExamples(): { name: string; format: 'yaml' | 'json'; text: string }[] {
  const markdown = readFileSync(DOC, 'utf8');
  return [...markdown.matchAll(/<!-- plan: ([\w-]+) -->\n```(yaml|json)\n([\s\S]*?)\n```/g)].map((m) => ({
    name: m[1]!,
    format: m[2] as 'yaml' | 'json',
    text: m[3]!,
  }));
}

/** A plan as answered, without what the server adds. */
function planOf(resource: PlanResource) {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...plan } = resource;
  return plan;
}

const YAML_PLAN = `
name: login flow
baseUrl: http://127.0.0.1:1/api
variables:
  user: alice
headers:
  Accept: application/json
steps:
  - name: login
    method: POST
    url: /login
    body:
      json: { user: "\${user}" }
    extract:
      - var: token
        jsonPath: $.token
  - kind: think
    minMs: 100
    maxMs: 200
  - name: me
    method: GET
    url: /me
    headers:
      Authorization: Bearer \${token}
    checks:
      - status: [200]
`;

describe('plans: YAML or JSON, validated as a whole (real PostgreSQL)', () => {
  let db: TestDatabase;
  let hub: InProcessHub;
  let master: Master;

  const send = async <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: string | object, contentType?: string) => {
    const response = await master.app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: body }),
      ...(contentType ? { headers: { 'content-type': contentType } } : {}),
    });
    return { status: response.statusCode, body: response.json<T>() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = new InProcessHub(silent);
    // The plan format's examples target hosts of their own: any host is allowed here (targets.test.ts checks the allowlist).
    master = await buildTestMaster({ prisma: db.prisma, transport: hub, logger: silent, targets: { allowlist: parseAllowlist('*') } });
  }, 60_000);

  afterAll(async () => {
    await master.app.close();
    await hub.close();
    await db.drop();
  }, 60_000);

  it('creates a plan from YAML and reads it back as the v1 JSON plan, the same as from JSON', async () => {
    const created = await send<PlanResource>('POST', '/api/v1/plans', YAML_PLAN, 'application/yaml');
    expect(created.status).toBe(201);
    expect(planOf(created.body)).toEqual({
      version: 1,
      name: 'login flow',
      baseUrl: 'http://127.0.0.1:1/api',
      variables: { user: 'alice' },
      headers: { Accept: 'application/json' },
      attachments: [],
      feeders: [],
      steps: [
        {
          kind: 'http',
          name: 'login',
          method: 'POST',
          url: '/login',
          query: {},
          headers: {},
          body: { json: { user: '${user}' } },
          extract: [{ var: 'token', jsonPath: '$.token' }],
          checks: [],
        },
        { kind: 'think', minMs: 100, maxMs: 200 },
        {
          kind: 'http',
          name: 'me',
          method: 'GET',
          url: '/me',
          query: {},
          headers: { Authorization: 'Bearer ${token}' },
          extract: [],
          checks: [{ status: [200], stopOnFail: false }],
        },
      ],
    });
    const read = await send<PlanResource>('GET', `/api/v1/plans/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    const fromJson = await send<PlanResource>('POST', '/api/v1/plans', parseYaml(YAML_PLAN) as object);
    expect(planOf(fromJson.body)).toEqual(planOf(created.body));
  });

  it('takes text/yaml and application/x-yaml (with a charset) too, and YAML on PUT', async () => {
    for (const type of ['text/yaml', 'application/x-yaml; charset=utf-8', 'application/yaml;charset=UTF-8']) {
      await withMessage(type, async () => expect((await send('POST', '/api/v1/plans', YAML_PLAN, type)).status).toBe(201));
    }
    const created = await send<PlanResource>('POST', '/api/v1/plans', YAML_PLAN, 'application/yaml');
    const replaced = await send<PlanResource>(
      'PUT',
      `/api/v1/plans/${created.body.id}`,
      YAML_PLAN.replace('name: login flow', 'name: renamed'),
      'application/yaml',
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.name).toBe('renamed');
    expect((await send<PlanResource>('GET', `/api/v1/plans/${created.body.id}`)).body.name).toBe('renamed');
  });

  it('answers a YAML syntax error with 400 naming the line', async () => {
    const broken = 'name: broken\nbaseUrl: http://127.0.0.1:1\nsteps: [ { name: a, method: GET, url: / }\nvariables: {}\n';
    const response = await send<ErrorBody>('POST', '/api/v1/plans', broken, 'application/yaml');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^invalid YAML body: line 4, column 1: /);
    expect(response.body.issues).toEqual([{ path: '', message: expect.stringMatching(/^line 4, column 1: /) as unknown as string }]);
    const twoDocs = await send<ErrorBody>('POST', '/api/v1/plans', `${YAML_PLAN}---\nname: other\n`, 'application/yaml');
    expect(twoDocs.status).toBe(400);
    expect(twoDocs.body.message).toMatch(/^invalid YAML body: line \d+, column 1: a plan is a single YAML document/);
    const duplicateKey = await send<ErrorBody>('POST', '/api/v1/plans', 'name: a\nname: b\n', 'application/yaml');
    expect(duplicateKey.body.message).toBe('invalid YAML body: line 2, column 1: Map keys must be unique');
  });

  it('answers a bad plan with 400 and every issue, in JSON or YAML alike', async () => {
    const bad = {
      name: 'bad',
      baseUrl: 'http://127.0.0.1:1',
      variables: { user: 'alice' },
      attachments: [{ name: 'users.csv', text: 'email\na@example.com\n' }],
      feeders: [{ name: 'users', attachment: 'users.csv' }],
      steps: [
        { name: 'login', method: 'POST', url: '/login', extract: [{ var: 'token', jsonPath: '$.token' }] },
        { name: 'home', method: 'GET', url: 'home' },
        { name: 'search', method: 'GET', url: '/search', extract: [{ var: 'id', jsonPath: '$..[' }] },
        { name: 'me', method: 'GET', url: '/me', headers: { Authorization: 'Bearer ${tokn}' } },
        { name: 'login', method: 'GET', url: '/again', checks: [{ header: 'x', matches: '(' }] },
        { kind: 'if', then: [] },
      ],
    };
    const expected = [
      { path: 'steps[5].condition', message: 'required' },
      { path: 'steps[1].url', message: 'must start with "/" or be an absolute http(s) URL' },
      { path: 'steps[2].extract[0].jsonPath', message: expect.stringMatching(/^invalid JSONPath "\$\.\.\[": at character 5, /) as unknown as string },
      { path: 'steps[3].headers.Authorization', message: 'unknown variable "${tokn}" (defined: id, token, user, users.email)' },
      { path: 'steps[4].name', message: 'duplicate step name "login" (also used by steps[0])' },
      { path: 'steps[4].checks[0].matches', message: 'invalid regular expression "(": unterminated group' },
    ];
    const asJson = await send<ErrorBody>('POST', '/api/v1/plans', bad);
    expect(asJson.status).toBe(400);
    expect(asJson.body.issues).toEqual(expected);
    expect(asJson.body.message).toContain('steps[3].headers.Authorization: unknown variable "${tokn}"');
    const asYaml = await send<ErrorBody>('POST', '/api/v1/plans', JSON.stringify(bad), 'application/yaml');
    expect(asYaml.body.issues).toEqual(expected);
    const created = await send<PlanResource>('POST', '/api/v1/plans', YAML_PLAN, 'application/yaml');
    const put = await send<ErrorBody>('PUT', `/api/v1/plans/${created.body.id}`, bad);
    expect(put.status).toBe(400);
    expect(put.body.issues).toEqual(expected);
  });

  it('takes a legacy `requests` plan and answers it as v1 `steps`; stored legacy plans read as v1 too', async () => {
    const legacy = {
      name: 'legacy',
      baseUrl: 'http://127.0.0.1:1',
      requests: [
        { name: 'home', method: 'GET', path: '/' },
        { name: 'buy', method: 'POST', path: '/orders', body: { sku: 'A1' } },
      ],
    };
    const created = await send<PlanResource>('POST', '/api/v1/plans', legacy);
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('requests');
    expect(created.body.steps).toEqual([
      { kind: 'http', name: 'home', method: 'GET', url: '/', query: {}, headers: {}, extract: [], checks: [] },
      { kind: 'http', name: 'buy', method: 'POST', url: '/orders', query: {}, headers: {}, body: { json: { sku: 'A1' } }, extract: [], checks: [] },
    ]);
    const bad = await send<ErrorBody>('POST', '/api/v1/plans', { ...legacy, requests: [{ name: 'x', method: 'GET', path: 'nope' }] });
    expect(bad.body.issues).toEqual([{ path: 'requests[0].path', message: 'must start with "/" or be an absolute http(s) URL' }]);

    // A row written before v1, as the master stored plans then.
    const row = await db.prisma.plan.create({
      data: { name: 'stored before v1', definition: { baseUrl: 'http://127.0.0.1:1', requests: [{ name: 'r', method: 'GET', path: '/r', headers: {} }] } },
    });
    const read = await send<PlanResource>('GET', `/api/v1/plans/${row.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: 'stored before v1', version: 1, steps: [{ kind: 'http', name: 'r', method: 'GET', url: '/r' }] });
  });

  it('keeps a plan as written: objects come back in the key order they were sent in (body, headers, variables)', async () => {
    // jsonb would sort these keys ({"pass","user"}); the plan is kept and answered in the order it was written.
    const text =
      '{"name":"key order","baseUrl":"http://127.0.0.1:1","variables":{"zeta":"z","alpha":"a"},' +
      '"steps":[{"name":"login","method":"POST","url":"/login","headers":{"X-Zed":"1","Accept":"application/json"},"body":{"json":{"user":"u","pass":"p","nested":{"b":1,"a":2}}}}]}';
    const inOrder = (answer: string) => {
      expect(answer).toContain('"variables":{"zeta":"z","alpha":"a"}');
      expect(answer).toContain('"headers":{"X-Zed":"1","Accept":"application/json"}');
      expect(answer).toContain('"json":{"user":"u","pass":"p","nested":{"b":1,"a":2}}');
    };
    const created = await master.app.inject({ method: 'POST', url: '/api/v1/plans', payload: text, headers: { 'content-type': 'application/json' } });
    expect(created.statusCode).toBe(201);
    inOrder(created.body);
    const id = created.json<PlanResource>().id;
    inOrder((await master.app.inject({ method: 'GET', url: `/api/v1/plans/${id}` })).body);
    inOrder((await master.app.inject({ method: 'GET', url: '/api/v1/plans' })).body);
    const replaced = await master.app.inject({ method: 'PUT', url: `/api/v1/plans/${id}`, payload: text, headers: { 'content-type': 'application/json' } });
    inOrder(replaced.body);
    // Stored as text in that order too, not only answered so.
    const [row] = await db.prisma.$queryRaw<{ definition: string }[]>`SELECT definition::text AS definition FROM plans WHERE id = ${id}::uuid`;
    expect(row!.definition).toContain('{"user":"u","pass":"p","nested":{"b":1,"a":2}}');

    // And sent so to the workers (the run's snapshot of the plan): a master whose worker is played by the test.
    const transport = new RecordingTransport();
    const sender = await buildTestMaster({ prisma: db.prisma, transport, logger: silent, timings: { runStartLeadMs: 0 } });
    try {
      await sender.orchestrator.handle({
        v: PROTOCOL_VERSION,
        type: 'worker.heartbeat',
        sentAt: Date.now(),
        workerId: 'order-w1',
        activity: 'idle',
        runId: null,
      });
      const run = await sender.app.inject({ method: 'POST', url: `/api/v1/plans/${id}/runs`, payload: { connections: 1, durationSeconds: 1 } });
      expect(run.statusCode).toBe(201);
      const assign = transport.sent.find((m) => m.type === 'run.assign');
      inOrder(JSON.stringify(assign));
      const [snapshot] = await db.prisma.$queryRaw<
        { plan: string }[]
      >`SELECT plan_snapshot::text AS plan FROM runs WHERE id = ${run.json<{ id: string }>().id}::uuid`;
      expect(snapshot!.plan).toContain('{"user":"u","pass":"p","nested":{"b":1,"a":2}}');
    } finally {
      await sender.app.close();
    }
  });

  it('documents YAML in OpenAPI: the plan routes take application/yaml and say so', async () => {
    const doc = await send<{ paths: Record<string, Record<string, { description?: string; requestBody?: { content: Record<string, { schema: unknown }> } }>> }>(
      'GET',
      '/api/docs/json',
    );
    for (const operation of [doc.body.paths['/api/v1/plans']!.post!, doc.body.paths['/api/v1/plans/{id}']!.put!]) {
      expect(Object.keys(operation.requestBody!.content)).toEqual(['application/json', 'application/yaml', 'text/yaml', 'application/x-yaml']);
      expect(operation.requestBody!.content['application/yaml']!.schema).toEqual(operation.requestBody!.content['application/json']!.schema);
      expect(operation.description).toMatch(/YAML/);
    }
  });

  it('takes every example of docs/plan-format.md, and the YAML and JSON of an example are the same plan', async () => {
    const examples = docExamples();
    expect(examples.length).toBeGreaterThanOrEqual(13);
    const plans = new Map<string, unknown>();
    for (const example of examples) {
      const response = await send<PlanResource & ErrorBody>(
        'POST',
        '/api/v1/plans',
        example.text,
        example.format === 'yaml' ? 'application/yaml' : 'application/json',
      );
      withMessage(`${example.name} (${example.format}): ${JSON.stringify(response.body.issues ?? response.body.message)}`, () =>
        expect(response.status).toBe(201),
      );
      const plan = planOf(response.body);
      if (plans.has(example.name)) withMessage(`${example.name} (${example.format})`, () => expect(plan).toEqual(plans.get(example.name)));
      else plans.set(example.name, plan);
    }
    expect([...plans.keys()]).toEqual(['login', 'bodies', 'checks', 'flow', 'feeders', 'legacy']);
  });
});
