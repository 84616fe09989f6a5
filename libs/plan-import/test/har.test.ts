import { describe, expect, it } from '@jest/globals';
import { HarSchema, PlanImportError, planFromHar } from '../src/index.js';
import { fixture, importIssues, plan } from './support.js';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const session = () => fixture('./fixtures/shop-session.har');

/** The steps of the recorded session, without think times. */
const sessionSteps = [
  {
    kind: 'http',
    name: 'GET /',
    method: 'GET',
    url: '/',
    // :authority, :method, :path, :scheme, accept-encoding and cookie are gone.
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'accept-language': 'en-GB,en;q=0.9', 'user-agent': UA },
  },
  {
    kind: 'http',
    name: 'GET /api/products',
    method: 'GET',
    url: '/api/products',
    query: { category: 'shoes', page: '2' },
    // Host, Connection and Accept-Encoding are gone; the others keep their spelling.
    headers: { Accept: 'application/json', 'User-Agent': UA, Referer: 'https://shop.example.com/' },
  },
  {
    kind: 'http',
    name: 'GET cdn.example.net/img/logo.png',
    method: 'GET',
    url: 'https://cdn.example.net/img/logo.png',
    query: { v: '3' },
    headers: { accept: 'image/avif,image/webp,*/*', 'user-agent': UA },
  },
  {
    kind: 'http',
    name: 'POST /api/login',
    method: 'POST',
    url: '/api/login',
    // The form content type is the plan's default for a form body; content-length is gone.
    headers: { origin: 'https://shop.example.com', 'user-agent': UA },
    body: { form: { username: 'demo@example.com', password: 's3cret!', remember: 'on' } },
  },
  {
    kind: 'http',
    name: 'POST /api/cart',
    method: 'POST',
    url: '/api/cart',
    headers: { accept: 'application/json', 'x-csrf-token': 'b9e7a1', 'user-agent': UA },
    body: { json: { sku: 'SHOE-42', qty: 2, gift: false } },
  },
  {
    kind: 'http',
    name: 'GET /api/products (2)',
    method: 'GET',
    url: '/api/products',
    query: { category: 'shoes', page: '3' },
    headers: { accept: 'application/json' },
  },
  {
    kind: 'http',
    name: 'POST /api/events',
    method: 'POST',
    url: '/api/events',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: { text: 'event=checkout_started;1' },
  },
];

/** A HAR of the given requests, on https://app.test unless they say otherwise. */
function har(...requests: Record<string, unknown>[]) {
  return {
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: requests.map((request, i) => ({
        startedDateTime: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
        time: 10,
        request: {
          method: 'GET',
          url: 'https://app.test/',
          httpVersion: 'HTTP/1.1',
          headers: [],
          queryString: [],
          cookies: [],
          headersSize: -1,
          bodySize: -1,
          ...request,
        },
        response: {},
      })),
    },
  };
}

describe('planFromHar', () => {
  it('turns a recorded browser session into one HTTP step per entry', () => {
    expect(planFromHar(session())).toEqual(plan({ name: 'Shop checkout', baseUrl: 'https://shop.example.com', steps: sessionSteps }));
  });

  it('adds think steps for the pauses between the entries, when asked', () => {
    const [home, products, logo, login, cart, products2, events] = sessionSteps;
    const think = (ms: number) => ({ kind: 'think', ms });
    expect(planFromHar(session(), { thinkTime: true, name: 'Shop with pauses' })).toEqual(
      plan({
        name: 'Shop with pauses',
        baseUrl: 'https://shop.example.com',
        steps: [home, think(350), products, think(25), logo, think(5000), login, think(2525), cart, think(90), products2, think(890), events],
      }),
    );
    const steps = planFromHar(session(), { thinkTime: true, minThinkMs: 100 }).steps;
    expect(steps.filter((s) => s.kind === 'think')).toEqual([think(350), think(5000), think(2525), think(890)]);
  });

  it('keeps recorded cookies when asked', () => {
    const first = planFromHar(session(), { keepCookies: true }).steps[0]!;
    expect(first.kind === 'http' && first.headers.cookie).toBe('session=8f2c1e; theme=dark');
  });

  it('keeps a body it cannot read as JSON or as a form as text, with its content type', () => {
    const { steps } = planFromHar(
      har(
        { method: 'POST', url: 'https://app.test/a', postData: { mimeType: 'application/json', text: '{not json' } },
        {
          method: 'POST',
          url: 'https://app.test/b',
          postData: { mimeType: 'multipart/form-data; boundary=XyZ', text: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n' },
        },
        {
          method: 'POST',
          url: 'https://app.test/c',
          headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
          postData: { mimeType: 'application/x-www-form-urlencoded', text: 'tag=a&tag=b' },
        },
        { method: 'PUT', url: 'https://app.test/d', postData: { mimeType: 'application/vnd.api+json', text: '{"data":{"id":"1"}}' } },
      ),
    );
    expect(steps).toEqual(
      plan({
        name: 'x',
        baseUrl: 'https://app.test',
        steps: [
          { kind: 'http', name: 'POST /a', method: 'POST', url: '/a', headers: { 'content-type': 'application/json' }, body: { text: '{not json' } },
          {
            kind: 'http',
            name: 'POST /b',
            method: 'POST',
            url: '/b',
            headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
            body: { text: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n' },
          },
          {
            kind: 'http',
            name: 'POST /c',
            method: 'POST',
            url: '/c',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: { text: 'tag=a&tag=b' },
          },
          {
            kind: 'http',
            name: 'PUT /d',
            method: 'PUT',
            url: '/d',
            headers: { 'content-type': 'application/vnd.api+json' },
            body: { json: { data: { id: '1' } } },
          },
        ],
      }).steps,
    );
  });

  it('rebuilds a form from its params when the text is missing', () => {
    const { steps } = planFromHar(
      har({
        method: 'POST',
        url: 'https://app.test/login',
        postData: {
          mimeType: 'application/x-www-form-urlencoded',
          params: [
            { name: 'user', value: 'ada' },
            { name: 'pw', value: 'a b' },
          ],
        },
      }),
    );
    expect(steps[0]).toMatchObject({ body: { form: { user: 'ada', pw: 'a b' } }, headers: {} });
  });

  it('reads the query from the URL, from queryString when the URL has none, and leaves a repeated name in the URL', () => {
    const { steps } = planFromHar(
      har(
        {
          url: 'https://app.test/search?q=red+shoes&size=42',
          queryString: [
            { name: 'q', value: 'red+shoes' },
            { name: 'size', value: '42' },
          ],
        },
        { url: 'https://app.test/list', queryString: [{ name: 'page', value: '2' }] },
        {
          url: 'https://app.test/tags?t=a&t=b',
          queryString: [
            { name: 't', value: 'a' },
            { name: 't', value: 'b' },
          ],
        },
      ),
    );
    expect(steps.map((s) => s.kind === 'http' && [s.url, s.query])).toEqual([
      ['/search', { q: 'red shoes', size: '42' }],
      ['/list', { page: '2' }],
      ['/tags?t=a&t=b', {}],
    ]);
  });

  it('turns credentials in the URL into a basic authorization header', () => {
    const { steps } = planFromHar(har({ url: 'https://ada:s%40cret@app.test/me' }));
    expect(steps[0]).toMatchObject({ url: '/me', headers: { authorization: `Basic ${Buffer.from('ada:s@cret').toString('base64')}` } });
  });

  it('escapes recorded text that looks like a reference, so that the request goes out as recorded', () => {
    const result = planFromHar(
      har(
        {
          method: 'POST',
          url: 'https://app.test/tpl?q=${x}',
          headers: [{ name: 'x-tpl', value: '${a} $${b}' }],
          postData: { mimeType: 'text/plain', text: 'Hello ${name}' },
        },
        { method: 'POST', url: 'https://app.test/json', postData: { mimeType: 'application/json', text: '{"${key}":["${v}"]}' } },
      ),
    );
    expect(result.variables).toEqual({});
    expect(result.steps).toMatchObject([
      { query: { q: '$${x}' }, headers: { 'x-tpl': '$${a} $$${b}' }, body: { text: 'Hello $${name}' } },
      // Only JSON string values are templates.
      { body: { json: { '${key}': ['$${v}'] } } },
    ]);
  });

  it('names the entry a step that the plan refuses comes from', () => {
    const issues = importIssues(() =>
      planFromHar(har({ url: 'https://app.test/a' }, { url: 'https://app.test/b', headers: [{ name: 'bad header', value: '1' }] }), { thinkTime: true }),
    );
    expect(issues).toEqual([
      { path: 'steps[2].headers.bad header', message: expect.stringMatching(/^invalid header name .*\(in the step from log\.entries\[1\]\)$/) },
    ]);
  });

  it('names the path of what is wrong in the HAR', () => {
    expect(importIssues(() => planFromHar({ entries: [] }))).toEqual([{ path: 'log', message: expect.stringContaining('expected object') }]);
    expect(importIssues(() => planFromHar({ log: { entries: [] } }))).toEqual([{ path: 'log.entries', message: 'has no entries' }]);
    const bad = har(
      { url: 'https://app.test/ok' },
      { url: 'ftp://app.test/file', method: 'CONNECT' },
      { url: 'https://app.test/x', headers: [{ name: 'accept' }] },
    );
    expect(importIssues(() => planFromHar(bad))).toEqual([
      { path: 'log.entries[1].request.method', message: 'must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS' },
      { path: 'log.entries[1].request.url', message: 'must be an absolute http:// or https:// URL' },
      { path: 'log.entries[2].request.headers[0].value', message: expect.stringContaining('expected string') },
    ]);
    const undated = har({ url: 'https://app.test/a' }, { url: 'https://app.test/b' });
    delete (undated.log.entries[1] as { startedDateTime?: string }).startedDateTime;
    expect(() => planFromHar(undated)).not.toThrow();
    expect(importIssues(() => planFromHar(undated, { thinkTime: true }))).toEqual([
      { path: 'log.entries[1].startedDateTime', message: 'required for think times' },
    ]);
    expect(
      importIssues(() => planFromHar(har({ method: 'POST', postData: { mimeType: 'multipart/form-data', params: [{ name: 'f', fileName: 'a.png' }] } }))),
    ).toEqual([{ path: 'log.entries[0].request.postData.text', message: 'required: a multipart/form-data cannot be rebuilt from params' }]);
  });

  it('says so when the HAR holds more requests than a plan', () => {
    const big = har(...Array.from({ length: 201 }, (_, i) => ({ url: `https://app.test/r/${i}` })));
    const error = (() => {
      try {
        planFromHar(big);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PlanImportError);
    expect((error as PlanImportError).message).toBe(
      'HAR too large: log.entries: makes 201 steps, and a plan holds at most 200: export fewer requests (e.g. only Fetch/XHR)',
    );
  });

  it('exports the schema of its input', () => {
    expect(HarSchema.safeParse(session()).success).toBe(true);
    expect(HarSchema.safeParse({ log: {} }).success).toBe(false);
  });
});
