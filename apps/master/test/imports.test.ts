import { readFileSync } from 'node:fs';
import { planFromCurl, planFromHar, planFromLegacyDocument } from '@loadtest/plan-import';
import { type ErrorBody, type Plan } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { installErrorHandler } from '../src/http/error-handler.js';
import { registerOpenApi } from '../src/http/openapi.js';
import { importRoutes } from '../src/imports/routes.js';
import { parseAllowlist } from '@loadtest/targets';

const silent = pino({ level: 'silent' });
const json = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as unknown;
const har = () => json('../../../libs/plan-import/test/fixtures/shop-session.har');
/** A plan saved by the old tool's front end: `{ testPlan, reactFlow }`. */
const legacySaved = () => json('../../../libs/plan-import/test/fixtures/legacy-saved-plan.json') as { testPlan: unknown[]; reactFlow: unknown };

describe('imports API (no database: the routes, with the app’s compilers, error handler and OpenAPI)', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    // As buildMaster sets the app up.
    const server = Fastify({ loggerInstance: silent as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
    server.setValidatorCompiler(validatorCompiler);
    server.setSerializerCompiler(serializerCompiler);
    installErrorHandler(server);
    await registerOpenApi(server);
    // No database here: `?save=true` is tested against PostgreSQL in imports-save.test.ts.
    const plans = { create: () => Promise.reject(new Error('this test stores no plan')) };
    await server.register(async (api) => api.register(importRoutes, { plans, targets: { allowlist: parseAllowlist('*') } }), { prefix: '/api/v1' });
    app = server;
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app.close();
  }, 60_000);

  const post = async <T>(url: string, payload: unknown, contentType = 'application/json') => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    return { status: response.statusCode, body: response.json<T>() };
  };

  it('converts a HAR, with the options in the query', async () => {
    const plain = await post<{ plan: Plan }>('/api/v1/imports/har', har());
    expect(plain.status).toBe(200);
    expect(plain.body.plan).toEqual(planFromHar(har()));
    // What the client POSTs to /plans next reads back the same.
    expect(PlanSchema.parse(plain.body.plan)).toEqual(plain.body.plan);

    const paced = await post<{ plan: Plan }>('/api/v1/imports/har?thinkTime=true&minThinkMs=100&name=Recorded%20checkout&keepCookies=true', har());
    expect(paced.status).toBe(200);
    expect(paced.body.plan).toEqual(planFromHar(har(), { name: 'Recorded checkout', thinkTime: true, minThinkMs: 100, keepCookies: true }));
    expect(paced.body.plan.steps.filter((s) => s.kind === 'think')).toHaveLength(4);
  });

  it('takes a HAR larger than the 1 MiB other bodies are limited to', async () => {
    const big = har() as { log: { entries: { response: { content: { text?: string } } }[] } };
    big.log.entries[0]!.response.content.text = 'x'.repeat(3 * 1024 * 1024);
    const response = await post<{ plan: Plan }>('/api/v1/imports/har', big);
    expect(response.status).toBe(200);
    expect(response.body.plan.steps).toHaveLength(7);
  });

  it('answers 400 with the path of what is wrong in a HAR', async () => {
    const bad = { log: { entries: [{ request: { method: 'GET', url: 'not a url', headers: [] } }] } };
    const response = await post<ErrorBody>('/api/v1/imports/har', bad);
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([{ path: 'log.entries[0].request.url', message: 'must be an absolute http:// or https:// URL' }]);
    expect((await post<ErrorBody>('/api/v1/imports/har?thinkTime=maybe', har())).status).toBe(400);
  });

  it('converts curl commands given as JSON or as text/plain', async () => {
    const commands =
      'curl https://api.example.com/v1/users -H \'Accept: application/json\'\ncurl -X POST https://api.example.com/v1/users --json \'{"name":"Ada"}\'';
    const asJson = await post<{ plan: Plan }>('/api/v1/imports/curl?name=Users', { commands });
    expect(asJson.status).toBe(200);
    expect(asJson.body.plan).toEqual(planFromCurl(commands, { name: 'Users' }));
    expect(asJson.body.plan.steps.map((s) => s.kind === 'http' && `${s.method} ${s.url}`)).toEqual(['GET /v1/users', 'POST /v1/users']);

    const asList = await post<{ plan: Plan }>('/api/v1/imports/curl', { commands: commands.split('\n') });
    expect(asList.body.plan.steps).toEqual(asJson.body.plan.steps);
    const asText = await post<{ plan: Plan }>('/api/v1/imports/curl', commands, 'text/plain');
    expect(asText.status).toBe(200);
    expect(asText.body.plan.steps).toEqual(asJson.body.plan.steps);
  });

  it('answers 400 naming an unknown curl option and its command', async () => {
    const response = await post<ErrorBody>('/api/v1/imports/curl', 'curl https://a.test/\ncurl --frobnicate https://a.test/', 'text/plain');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid curl command: command 2 (line 2): unknown option "--frobnicate"',
      issues: [{ path: 'command 2 (line 2)', message: 'unknown option "--frobnicate"' }],
    });
    expect((await post<ErrorBody>('/api/v1/imports/curl', { commands: '' })).body.issues).toEqual([{ path: 'commands', message: 'must not be empty' }]);
  });

  it('converts a plan the old tool saved, as saved and as the bare testPlan array', async () => {
    const response = await post<{ plan: Plan }>('/api/v1/imports/legacy', legacySaved());
    withMessage(JSON.stringify(response.body), () => expect(response.status).toBe(200));
    expect(response.body.plan).toEqual(planFromLegacyDocument(legacySaved()));
    expect(response.body.plan.baseUrl).toBe('http://127.0.0.1:3000');
    expect(response.body.plan.steps.map((s) => s.kind)).toEqual(['http', 'think', 'http', 'if']);
    const bare = await post<{ plan: Plan }>('/api/v1/imports/legacy?name=Bare', legacySaved().testPlan);
    withMessage(JSON.stringify(bare.body), () => expect(bare.status).toBe(200));
    expect(bare.body.plan).toEqual({ ...response.body.plan, name: 'Bare' });
  });

  it('answers 400 naming the path of a node of unknown type or a missing field, and refuses the format no tool wrote', async () => {
    const unknown = { testPlan: [{ name: 'Start', type: 'startNode', data: {}, children: [{ name: 'Loop', type: 'loopNode', data: {}, children: [] }] }] };
    const refused = await post<ErrorBody>('/api/v1/imports/legacy', unknown);
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'testPlan[0].children[0].type', message: expect.stringMatching(/^unknown node type "loopNode"/) }]);
    const noUrl = [{ name: 'Start', type: 'startNode', data: {}, children: [{ name: 'Get', type: 'getRequest', data: {}, children: [] }] }];
    const missing = await post<ErrorBody>('/api/v1/imports/legacy', noUrl);
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([{ path: 'testPlan[0].children[0].data.url', message: 'required: the absolute URL' }]);
    const invented = {
      nodes: [
        { id: 's', type: 'start', next: 'a' },
        { id: 'a', type: 'getRequest', data: { url: 'https://a.test/' }, next: null },
      ],
    };
    const old = await post<ErrorBody>('/api/v1/imports/legacy', invented);
    expect(old.status).toBe(400);
    expect(old.body.issues).toEqual([{ path: 'testPlan', message: 'required: the tree, a list of nodes from the startNode' }]);
  });

  it('documents the imports in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
      paths: Record<string, { post: { tags: string[]; requestBody: { content: Record<string, unknown> } } }>;
    }>();
    for (const kind of ['har', 'curl', 'legacy']) expect(doc.paths[`/api/v1/imports/${kind}`]?.post.tags).toEqual(['imports']);
    expect(Object.keys(doc.paths['/api/v1/imports/curl']!.post.requestBody.content)).toEqual(['application/json', 'text/plain']);
  });
});
