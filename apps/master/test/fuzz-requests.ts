import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';

/** A route (a write route, or a read one for its path and query) as the OpenAPI document lists it: `POST /api/v1/plans/{id}/runs`. */
export interface WriteRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** With `{param}` placeholders. */
  path: string;
  /** The query parameters the route documents, fuzzed by name as well as at random. */
  queryNames: string[];
}

/** What is sent; ids are placeholders (`{plan}`, `{run}`) filled at send time with ids the master gave. */
export interface FuzzRequest {
  method: WriteRoute['method'];
  /** The path with its parameters, and a query string, still holding placeholders. */
  url: string;
  contentType: string | undefined;
  payload: string | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const fixture = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Json;

/** A plan using every part of format v1: each is a place where bad text may be put. */
export const validPlan = (): Json => ({
  version: 1,
  name: 'fuzzed plan',
  baseUrl: 'http://127.0.0.1:9/',
  variables: { token: 'abc', n: 3, on: true },
  headers: { 'x-plan': 'p ${token}' },
  attachments: [
    { name: 'users.csv', contentType: 'text/csv', text: 'user,pass\nada,1\nbob,2\n' },
    { name: 'items.json', base64: Buffer.from('[{"sku":"a"},{"sku":"b"}]').toString('base64') },
  ],
  feeders: [
    { name: 'users', attachment: 'users.csv', mode: 'sequential' },
    { name: 'items', attachment: 'items.json', format: 'json', mode: 'unique', onExhausted: 'recycle' },
  ],
  steps: [
    {
      name: 'login',
      method: 'POST',
      url: '/login',
      query: { q: '${users.user}' },
      headers: { 'content-type': 'application/json' },
      body: { json: { user: '${users.user}', pass: '${users.pass}', nested: [1, { k: 'v' }] } },
      timeoutSeconds: 5,
      extract: [
        { var: 'sid', jsonPath: '$.sid', default: 'none' },
        { var: 'code', regex: 'id=(\\w+)' },
      ],
      checks: [{ status: [200, 201] }, { name: 'has sid', jsonPath: '$.sid', equals: 'x' }, { header: 'content-type', matches: 'json' }],
    },
    { kind: 'think', minMs: 1, maxMs: 5 },
    {
      kind: 'if',
      condition: { on: 'variable', variable: 'sid', op: 'notEquals', value: 'none' },
      then: [{ name: 'form', method: 'PUT', url: '/f/${sid}', body: { form: { a: '${code}' } } }],
      else: [{ kind: 'group', repeat: 2, steps: [{ name: 'file', method: 'POST', url: 'http://127.0.0.1:9/u', body: { file: 'users.csv' } }] }],
    },
    { name: 'text', method: 'POST', url: '/t', body: { text: 'line 1\nline 2 ${items.sku}' } },
  ],
});

/** A plan written before v1: `requests` with `path` and a bare body. */
const legacyPlan = (): Json => ({
  name: 'legacy',
  baseUrl: 'http://127.0.0.1:9',
  requests: [{ name: 'r', method: 'POST', path: '/x', body: { a: 'b' }, headers: { h: 'v' } }],
});

const startRun = (): Json => ({
  scenarios: [
    { name: 'steady', executor: 'constant-vus', vus: 2, duration: 2, startTime: 0 },
    { name: 'rate', executor: 'ramping-arrival-rate', preAllocatedVUs: 2, maxVUs: 4, stages: [{ duration: 1, target: 5 }], startTime: 1 },
  ],
  thresholds: [{ expression: 'p95 < 500', step: 'login', abortOnFail: true, abortGraceSeconds: 1 }, { expression: 'errorRate < 0.5' }],
});

const shorthandRun = (): Json => ({ connections: 2, durationSeconds: 2, timeoutSeconds: 3 });

const curlBody = (): Json => ({ commands: "curl -X POST http://127.0.0.1:9/a -H 'X-A: 1' --data-raw 'x=1'\ncurl http://127.0.0.1:9/b -u u:p" });

/** The valid bodies the mutations start from, by the route that takes them: most requests then get past the outer checks. */
const BASES: Record<string, (() => Json)[]> = {
  plans: [validPlan, validPlan, legacyPlan],
  runs: [startRun, shorthandRun],
  curl: [curlBody],
  har: [() => fixture('../../../libs/plan-import/test/fixtures/shop-session.har')],
  legacy: [() => fixture('../../../libs/plan-import/test/fixtures/legacy-saved-plan.json')],
};
const ALL_BASES = Object.values(BASES).flat();

/** The bodies a route takes: by the last word of its path that names some (`/plans/{id}/runs` → runs). */
function basesFor(path: string): (() => Json)[] {
  const word = path
    .split('/')
    .reverse()
    .find((segment) => segment in BASES);
  return word === undefined ? ALL_BASES : BASES[word]!;
}

/** One C0 control character, DEL, or a character PostgreSQL or JSON handle specially. */
const oddChar = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '\u0000', '\u007f', '\u0085', '\u2028', '\uFEFF', '\uD800', '\uDC00', '\\', '"', "'", '%00', '\\u0000'),
);

/** Strings that have broken servers: control characters (NUL above all), lone surrogates, templates, huge ones. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(fc.string({ maxLength: 8 }), oddChar, fc.string({ maxLength: 8 })).map(([a, c, b]) => a + c + b), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '${',
      '${}',
      '${x',
      '${a.b.c}',
      '$.',
      '[',
      '(',
      '-1',
      '1e400',
      'NaN',
      'null',
      '../..',
      "'; DROP TABLE plans; --",
      'x'.repeat(70_000),
      'é'.repeat(300),
    ),
    weight: 2,
  },
);

const nastyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, Number.MAX_SAFE_INTEGER));

/** Any JSON value, its strings and keys nasty. */
const nastyJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyNumber,
    nastyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

type Mutation = { at: number[]; kind: 'replace' | 'insert' | 'drop' | 'addKey'; value: Json; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.array(fc.nat(40), { minLength: 1, maxLength: 8 }),
  kind: fc.constantFrom('replace', 'insert', 'insert', 'insert', 'insert', 'insert', 'drop', 'addKey'),
  value: nastyJson,
  text: fc.oneof({ arbitrary: oddChar, weight: 3 }, { arbitrary: nastyString, weight: 1 }),
});

/** Applies a mutation to a copy of the node reached by following `at` (each choice picks a child, or stops here). */
function mutate(node: Json, m: Mutation, depth = 0): Json {
  const choice = m.at[depth];
  const children: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : node !== null && typeof node === 'object' ? Object.keys(node) : [];
  if (choice !== undefined && children.length > 0 && choice % (children.length + 1) !== children.length) {
    const key = children[choice % (children.length + 1)]!;
    if (Array.isArray(node)) return node.map((child, i) => (i === key ? mutate(child, m, depth + 1) : child));
    const object = node as { [key: string]: Json };
    return { ...object, [key]: mutate(object[key as string]!, m, depth + 1) };
  }
  switch (m.kind) {
    case 'replace':
      return m.value;
    case 'insert':
      if (typeof node === 'string') {
        const at = (m.at.at(-1) ?? 0) % (node.length + 1);
        return node.slice(0, at) + m.text + node.slice(at);
      }
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) return { ...node, [m.text]: m.value };
      return m.text;
    case 'drop':
      return Array.isArray(node) ? node.slice(1) : node !== null && typeof node === 'object' ? Object.fromEntries(Object.entries(node).slice(1)) : null;
    case 'addKey':
      return node !== null && typeof node === 'object' && !Array.isArray(node) ? { ...node, [m.text]: m.value } : [node, m.value];
  }
}

/** A valid body, mostly one the route takes, with a few mutations. */
const mutatedBody = (path: string): fc.Arbitrary<Json> => {
  const own = basesFor(path);
  return fc
    .tuple(
      fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 4 }, { arbitrary: fc.constantFrom(...ALL_BASES), weight: 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 2 }),
    )
    .map(([base, mutations]) => mutations.reduce((body, m) => mutate(body, m), base()));
};

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/yaml',
  'text/yaml',
  'application/x-yaml',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  'application/',
  '*/*',
  ';;;',
  'application/json; charset=',
  'application/json, text/plain',
];

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 4 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  // A header value cannot hold CR, LF or NUL (the HTTP client refuses it): other odd text only.
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), weight: 1 },
);

/** A plan whose JSON body nests `depth` arrays deep (written by hand: JSON.stringify would run out of stack). */
const deepPlan = (depth: number) =>
  `{"name":"deep","baseUrl":"http://127.0.0.1:9","steps":[{"name":"d","method":"POST","url":"/","body":{"json":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;

/** How the body is written: well-formed in the content type, or broken. */
const payload = (path: string, type: string | undefined): fc.Arbitrary<string | undefined> => {
  const yaml = type !== undefined && type.includes('yaml');
  const write = (body: Json) => (yaml && body !== null && typeof body === 'object' ? toYaml(body) : JSON.stringify(body));
  return fc.oneof(
    { arbitrary: mutatedBody(path).map(write), weight: 12 },
    { arbitrary: nastyJson.map(write), weight: 2 },
    { arbitrary: fc.tuple(mutatedBody(path).map(write), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        undefined,
        '',
        ' ',
        '{',
        '[',
        'null',
        '"\\u0000"',
        '{"name":"\\u0000"}',
        '{"a":1,"a":2}',
        '\uFEFF{}',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '[]'.repeat(10),
        '['.repeat(100_000) + ']'.repeat(100_000),
        'a: &a [*a]',
        'name: cyclic\nbaseUrl: http://127.0.0.1:9\nsteps:\n  - {name: a, method: POST, url: /, body: {json: &j {self: *j}}}\n',
        deepPlan(5000),
        deepPlan(200_000),
        JSON.stringify({ commands: `curl http://127.0.0.1:9/ --json '${'['.repeat(100_000)}${']'.repeat(100_000)}'` }),
        JSON.stringify({ commands: `curl http://127.0.0.1:9/ --json '${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}'` }),
        'a: &x [1]\nb: *x\nc: *x\n'.repeat(300),
        '--- a\n--- b',
        '!!binary AAAA',
        'key: !!js/function "function(){}"',
        'curl',
        'curl -X',
        "curl 'unterminated",
        'curl --unknown-option http://127.0.0.1:9/',
        `{"name":"${'x'.repeat(1_200_000)}"}`,
      ),
      weight: 3,
    },
    { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 200 }), weight: 1 },
  );
};

const pathParam: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('{plan}', '{run}'), weight: 10 },
  { arbitrary: fc.uuid().map((id) => id), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      'not-a-uuid',
      '%00',
      '%',
      '%zz',
      '..',
      '%2F',
      'x'.repeat(2000),
      '1',
      '-1',
      "'",
      '%E0%A4%A',
    ),
    weight: 2,
  },
  { arbitrary: nastyString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))), weight: 1 },
);

const queryValue = fc.oneof(
  fc.constantFrom('true', 'false', 'maybe', '1', '0', '-1', '1e9', 'NaN', '', '%00', '%', '%zz', '999999999999999999999', '0x10', ' 5'),
  nastyString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))),
);

const query = (names: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 3 },
    {
      arbitrary: fc
        .array(
          fc.tuple(
            names.length > 0 ? fc.oneof(fc.constantFrom(...names), fc.constantFrom('x', '__proto__', '')) : fc.constantFrom('x', '__proto__', ''),
            queryValue,
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
      weight: 4,
    },
    { arbitrary: fc.constantFrom('?', '?&&', '?=', '?a', '?%', '?name', '?name=%00', '?name[]=a&name[]=b', '?name=a&name=b'), weight: 1 },
  );

/** Requests to the given write routes: each with its path parameters, a query string, a content type and a body, fuzzed. */
export function fuzzRequests(routes: WriteRoute[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .nat(routes.length - 1)
    .chain((i) => {
      const route = routes[i]!;
      const params = route.path.match(/\{[^}]+\}/g) ?? [];
      return fc.record({
        route: fc.constant(route),
        params: fc.tuple(...params.map(() => pathParam)),
        query: query(route.queryNames),
        contentType,
      });
    })
    .chain(({ route, params, query: q, contentType: type }) =>
      payload(route.path, type).map((body) => {
        let n = 0;
        const path = route.path.replace(/\{[^}]+\}/g, () => params[n++]!);
        return { method: route.method, url: path + q, contentType: type, payload: body };
      }),
    );
}
