import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { feederOnExhausted, fieldIssues, formatPath, httpSteps, type Plan } from '@loadtest/protocol';
import { PlanSchema } from '../src/index.js';

const BASE = 'http://127.0.0.1:3000/api';

function issuesOf(input: unknown) {
  const result = PlanSchema.safeParse(input);
  withMessage('the plan should be refused', () => expect(result.success).toBe(false));
  return result.success ? [] : fieldIssues(result.error);
}

/** A plan with one HTTP step and `extra` merged in. */
const plan = (extra: Record<string, unknown> = {}, steps: unknown[] = [{ name: 'home', method: 'GET', url: '/' }]) => ({
  name: 'p',
  baseUrl: BASE,
  steps,
  ...extra,
});

const usersCsv = { name: 'users.csv', text: 'email,password\na@example.com,secret-a\nb@example.com,secret-b\n' };

/** A plan that uses every kind of step and field. */
const fullPlan = {
  version: 1,
  name: 'shop',
  baseUrl: BASE,
  variables: { user: 'alice', pageSize: 20 },
  headers: { Accept: 'application/json' },
  attachments: [usersCsv, { name: 'avatar.png', contentType: 'image/png', base64: 'iVBORw0KGgo=' }],
  feeders: [{ name: 'users', attachment: 'users.csv', mode: 'unique', onExhausted: 'recycle' }],
  steps: [
    {
      kind: 'http',
      name: 'login',
      method: 'POST',
      url: '/login',
      body: { json: { email: '${users.email}', password: '${users.password}', tags: ['${user}'] } },
      extract: [
        { var: 'token', jsonPath: '$.token' },
        { var: 'session', regex: 'sid=(\\w+)' },
        { var: 'loginStatus', status: true },
      ],
      checks: [
        { status: [200] },
        { jsonPath: '$.token', equals: 'abc' },
        { header: 'content-type', matches: '^application/json' },
        { latencyBelowMs: 500 },
        { bodyContains: 'token', stopOnFail: true },
      ],
    },
    { kind: 'think', ms: 1000 },
    { kind: 'think', minMs: 500, maxMs: 1500 },
    {
      kind: 'if',
      condition: { on: 'status', op: 'equals', value: 200 },
      then: [
        { kind: 'http', name: 'profile', method: 'GET', url: '/users/${user}', query: { size: '${pageSize}' }, headers: { Authorization: 'Bearer ${token}' } },
      ],
      else: [{ kind: 'http', name: 'retry login', method: 'POST', url: '/login', body: { form: { user: '${user}' } } }],
    },
    { kind: 'if', condition: { on: 'variable', variable: 'token', op: 'notEquals', value: '' }, then: [{ kind: 'think', ms: 10 }] },
    {
      kind: 'group',
      name: 'browse',
      repeat: 3,
      steps: [
        { kind: 'http', name: 'page', method: 'GET', url: 'https://cdn.example.com/items', timeoutSeconds: 5 },
        { kind: 'http', name: 'upload', method: 'PUT', url: '/avatar', body: { file: 'avatar.png' } },
        { kind: 'http', name: 'note', method: 'POST', url: '/notes', body: { text: 'price: $${total} for ${user}' } },
      ],
    },
  ],
};

describe('PlanSchema: valid plans', () => {
  it('parses a plan with every kind of step, and fills the defaults', () => {
    const parsed = PlanSchema.parse(fullPlan);
    expect(parsed.version).toBe(1);
    expect(parsed.feeders[0]).toEqual({ name: 'users', attachment: 'users.csv', mode: 'unique', onExhausted: 'recycle' });
    const [login, fixed, random, ifStatus, ifVariable, group] = parsed.steps;
    expect(login).toMatchObject({ kind: 'http', query: {}, headers: {} });
    expect(login!.kind === 'http' && login!.checks.map((c) => c.stopOnFail)).toEqual([false, false, false, false, true]);
    expect(fixed).toEqual({ kind: 'think', ms: 1000 });
    expect(random).toEqual({ kind: 'think', minMs: 500, maxMs: 1500 });
    expect(ifStatus).toMatchObject({ kind: 'if', then: [{ kind: 'http', name: 'profile', extract: [], checks: [] }] });
    expect(ifVariable).toMatchObject({ kind: 'if', else: [] });
    expect(group).toMatchObject({ kind: 'group', repeat: 3 });
    expect(httpSteps(parsed.steps).map((s) => s.name)).toEqual(['login', 'profile', 'retry login', 'page', 'upload', 'note']);
  });

  it('fills the plan defaults for a minimal plan, and infers each step kind from its keys, nested too', () => {
    const parsed = PlanSchema.parse(
      plan({}, [
        { name: 'home', method: 'GET', url: '/' },
        { ms: 5 },
        { condition: { on: 'latencyMs', op: 'greaterThan', value: 100 }, then: [{ minMs: 1, maxMs: 2 }] },
        { steps: [{ name: 'inner', method: 'GET', url: '/inner' }] },
      ]),
    );
    expect(parsed).toMatchObject({ version: 1, variables: {}, headers: {}, attachments: [], feeders: [] });
    expect(parsed.steps.map((s) => s.kind)).toEqual(['http', 'think', 'if', 'group']);
    expect(parsed.steps[2]).toMatchObject({ then: [{ kind: 'think' }], else: [] });
    expect(parsed.steps[3]).toMatchObject({ repeat: 1, steps: [{ kind: 'http', name: 'inner', query: {}, headers: {}, extract: [], checks: [] }] });
  });

  it('defaults a feeder to sequential, and what happens when its rows run out to its mode', () => {
    const parsed = PlanSchema.parse(
      plan({
        attachments: [usersCsv],
        feeders: [
          { name: 'users', attachment: 'users.csv' },
          { name: 'once', attachment: 'users.csv', format: 'csv', mode: 'unique' },
        ],
      }),
    );
    expect(parsed.feeders[0]!.mode).toBe('sequential');
    expect(parsed.feeders.map(feederOnExhausted)).toEqual(['recycle', 'stop']);
  });

  it('takes JSON feeders and base64 attachments', () => {
    const json = Buffer.from(
      JSON.stringify([
        { id: 1, name: 'a' },
        { id: 2, name: 'b', extra: true },
      ]),
    ).toString('base64');
    const parsed = PlanSchema.parse(
      plan({ attachments: [{ name: 'items.json', base64: json }], feeders: [{ name: 'items', attachment: 'items.json' }] }, [
        { name: 'item', method: 'GET', url: '/items/${items.id}?n=${items.name}' },
      ]),
    );
    expect(parsed.feeders).toHaveLength(1);
  });
});

describe('PlanSchema: legacy plans', () => {
  const legacy = {
    name: 'checkout',
    baseUrl: BASE,
    requests: [
      { name: 'home', method: 'GET', path: '/' },
      { name: 'buy', method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: { sku: 'A1', qty: 2 } },
      { name: 'note', method: 'POST', path: '/notes', body: 'hello' },
    ],
  };

  it('reads `requests` as v1 HTTP steps: path → url, a bare body → json or text', () => {
    const parsed = PlanSchema.parse(legacy);
    expect(parsed).not.toHaveProperty('requests');
    expect(parsed.steps).toEqual([
      { kind: 'http', name: 'home', method: 'GET', url: '/', query: {}, headers: {}, extract: [], checks: [] },
      {
        kind: 'http',
        name: 'buy',
        method: 'POST',
        url: '/orders',
        query: {},
        headers: { 'content-type': 'application/json' },
        body: { json: { sku: 'A1', qty: 2 } },
        extract: [],
        checks: [],
      },
      { kind: 'http', name: 'note', method: 'POST', url: '/notes', query: {}, headers: {}, body: { text: 'hello' }, extract: [], checks: [] },
    ]);
    expect(PlanSchema.parse(PlanSchema.parse(legacy))).toEqual(PlanSchema.parse(legacy));
  });

  it('names the problems of a legacy plan by the fields its author wrote', () => {
    const issues = issuesOf({
      name: '',
      baseUrl: 'ftp://example',
      requests: [
        { name: 'a', method: 'FETCH', path: 'no-slash' },
        { name: 'a', method: 'POST', path: '/', body: { sku: '${sku}' } },
        { name: 'c', method: 'POST', path: '/', body: 'hi ${who}' },
      ],
    });
    expect(issues).toEqual([
      { path: 'name', message: 'must not be empty' },
      { path: 'baseUrl', message: 'must be an http:// or https:// URL' },
      { path: 'requests[0].method', message: 'must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS' },
      { path: 'requests[0].path', message: 'must start with "/" or be an absolute http(s) URL' },
      { path: 'requests[1].name', message: 'duplicate step name "a" (also used by requests[0])' },
      { path: 'requests[1].body.sku', message: 'unknown variable "${sku}" (none are defined)' },
      { path: 'requests[2].body', message: 'unknown variable "${who}" (none are defined)' },
    ]);
    expect(issuesOf({ ...legacy, requests: [] })).toEqual([{ path: 'requests', message: 'needs at least one step' }]);
  });
});

/** Each case: a plan, and the exact issues it gets. */
const CASES: { what: string; input: unknown; issues: { path: string; message: string }[] }[] = [
  {
    what: 'an invalid JSONPath in an extract and in a check',
    input: plan({}, [
      { name: 'a', method: 'GET', url: '/a' },
      { name: 'b', method: 'GET', url: '/b' },
      { name: 'c', method: 'GET', url: '/c', extract: [{ var: 'x', jsonPath: '$..[' }], checks: [{ jsonPath: 'items[0]', equals: 1 }] },
    ]),
    issues: [
      {
        path: 'steps[2].extract[0].jsonPath',
        message: 'invalid JSONPath "$..[": at character 5, expected "\'", "*", "-", "0", ":", "?", "\\"", [1-9] but end of input found',
      },
      { path: 'steps[2].checks[0].jsonPath', message: 'invalid JSONPath "items[0]": at character 1, expected "$" but "i" found' },
    ],
  },
  {
    what: 'regular expressions that do not compile, and capture groups that do not exist',
    input: plan({}, [
      {
        name: 'a',
        method: 'GET',
        url: '/',
        extract: [
          { var: 'a', regex: 'id=(\\d+' },
          { var: 'b', regex: 'id=\\d+' },
          { var: 'c', regex: 'id=(\\d+)', group: 2 },
          { var: 'd', regex: 'id=\\d+', group: 0 },
        ],
        checks: [{ header: 'x-id', matches: '[a-' }],
      },
    ]),
    issues: [
      { path: 'steps[0].extract[0].regex', message: 'invalid regular expression "id=(\\d+": unterminated group' },
      {
        path: 'steps[0].extract[1].regex',
        message: 'has no capture group to extract (group 1 by default): add one, e.g. "id=(\\w+)", or set group: 0 for the whole match',
      },
      { path: 'steps[0].extract[2].group', message: 'the regular expression has only 1 capture group' },
      { path: 'steps[0].checks[0].matches', message: 'invalid regular expression "[a-": unterminated character class' },
    ],
  },
  {
    what: 'unknown variables, wherever a template is',
    input: plan(
      {
        variables: { user: 'alice' },
        headers: { 'X-Trace': '${trace}' },
        attachments: [{ name: 'users.csv', text: 'email\na@example.com\n' }],
        feeders: [{ name: 'users', attachment: 'users.csv' }],
      },
      [
        { name: 'login', method: 'POST', url: '/login', extract: [{ var: 'token', jsonPath: '$.token' }] },
        { name: 'a', method: 'GET', url: '/users/${usr}', query: { q: '${users.mail}' } },
        { name: 'b', method: 'POST', url: '/b', body: { form: { who: '${users}' } } },
        { name: 'c', method: 'GET', url: '/c', headers: { Authorization: 'Bearer ${tokn}' } },
        { name: 'd', method: 'POST', url: '/d', body: { json: { a: [{ b: '${nope}' }], ok: '${user} ${token} ${users.email}' } } },
        { name: 'e', method: 'POST', url: '/e', body: { text: '${x} ${x}' } },
        { condition: { on: 'variable', variable: 'tokn', op: 'equals', value: 'x' } },
      ],
    ),
    issues: [
      { path: 'headers.X-Trace', message: 'unknown variable "${trace}" (defined: token, user, users.email)' },
      { path: 'steps[1].url', message: 'unknown variable "${usr}" (defined: token, user, users.email)' },
      { path: 'steps[1].query.q', message: 'unknown variable "${users.mail}" (defined: token, user, users.email)' },
      { path: 'steps[2].body.form.who', message: 'unknown variable "${users}" (users is a feeder: write ${users.column}; defined: token, user, users.email)' },
      { path: 'steps[3].headers.Authorization', message: 'unknown variable "${tokn}" (defined: token, user, users.email)' },
      { path: 'steps[4].body.json.a[0].b', message: 'unknown variable "${nope}" (defined: token, user, users.email)' },
      { path: 'steps[5].body.text', message: 'unknown variable "${x}" (defined: token, user, users.email)' },
      { path: 'steps[6].condition.variable', message: 'unknown variable "tokn" (defined: token, user)' },
    ],
  },
  {
    what: 'an extracted variable may be used before the step that extracts it, and in another branch',
    input: plan({}, [
      { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [{ name: 'a', method: 'GET', url: '/${later}' }] },
      { kind: 'group', steps: [{ name: 'b', method: 'GET', url: '/', extract: [{ var: 'later', status: true }] }] },
    ]),
    issues: [],
  },
  {
    what: 'malformed references',
    input: plan({ variables: { a: 1 } }, [
      { name: 'a', method: 'GET', url: '/a/${a' },
      { name: 'b', method: 'GET', url: '/b', headers: { X: '${} ${ a } ${1a}' } },
      { name: 'c', method: 'GET', url: '/c?price=$${a}&$$x=$5' },
    ]),
    issues: [
      { path: 'steps[0].url', message: 'unterminated "${" at character 4 (write "$${" for a literal "${")' },
      { path: 'steps[1].headers.X', message: 'invalid variable reference "${}": write ${name} or ${feeder.column} (write "$${" for a literal "${")' },
      { path: 'steps[1].headers.X', message: 'invalid variable reference "${ a }": write ${name} or ${feeder.column} (write "$${" for a literal "${")' },
      { path: 'steps[1].headers.X', message: 'invalid variable reference "${1a}": write ${name} or ${feeder.column} (write "$${" for a literal "${")' },
    ],
  },
  {
    what: 'URLs that are neither a path nor an absolute http(s) URL',
    input: plan({ variables: { host: 'example.com' } }, [
      { name: 'a', method: 'GET', url: 'users' },
      { name: 'b', method: 'GET', url: 'ftp://example.com/x' },
      { name: 'c', method: 'GET', url: 'https://' },
      { name: 'd', method: 'GET', url: 'http://exa mple.com/' },
      { name: 'e', method: 'GET', url: 'https://${host}:8443/x' },
      { name: 'f', method: 'GET', url: 'HTTPS://example.com' },
    ]),
    issues: [
      { path: 'steps[0].url', message: 'must start with "/" or be an absolute http(s) URL' },
      { path: 'steps[1].url', message: 'must start with "/" or be an absolute http(s) URL' },
      { path: 'steps[2].url', message: 'must start with "/" or be an absolute http(s) URL: "https://" has no host' },
      { path: 'steps[3].url', message: 'must start with "/" or be an absolute http(s) URL: "http://exa mple.com/" is not a valid URL' },
    ],
  },
  {
    what: 'duplicate HTTP step names anywhere in the flow (other steps may share names)',
    input: plan({}, [
      { name: 'login', method: 'POST', url: '/login' },
      { kind: 'think', name: 'pause', ms: 1 },
      { kind: 'think', name: 'pause', ms: 1 },
      { kind: 'group', steps: [{ name: 'login', method: 'GET', url: '/again' }] },
      { kind: 'if', condition: { on: 'size', op: 'lessThan', value: 10 }, else: [{ name: ' login ', method: 'GET', url: '/' }] },
    ]),
    issues: [
      { path: 'steps[3].steps[0].name', message: 'duplicate step name "login" (also used by steps[0])' },
      { path: 'steps[4].else[0].name', message: 'duplicate step name "login" (also used by steps[0])' },
    ],
  },
  {
    what: 'attachments that are not there',
    input: plan({ attachments: [usersCsv, { name: 'users.csv', text: 'x' }], feeders: [{ name: 'people', attachment: 'people.csv' }] }, [
      { name: 'a', method: 'POST', url: '/', body: { file: 'photo.png' } },
    ]),
    issues: [
      { path: 'attachments[1].name', message: 'duplicate attachment name "users.csv" (also used by attachments[0])' },
      { path: 'feeders[0].attachment', message: 'no attachment named "people.csv" (attachments: users.csv)' },
      { path: 'steps[0].body.file', message: 'no attachment named "photo.png" (attachments: users.csv)' },
    ],
  },
  {
    what: 'a body file without any attachment',
    input: plan({}, [{ name: 'a', method: 'POST', url: '/', body: { file: 'photo.png' } }]),
    issues: [{ path: 'steps[0].body.file', message: 'no attachment named "photo.png" (the plan has no attachments)' }],
  },
  {
    what: 'feeders whose format is unknown or whose rows cannot be read',
    input: plan({
      attachments: [
        { name: 'data.txt', text: 'a\n1\n' },
        { name: 'ragged.csv', text: 'a,b\n1,2\n3\n' },
        { name: 'header-only.csv', text: 'a,b\n' },
        { name: 'empty.csv', text: '' },
        { name: 'object.json', text: '{"a":1}' },
        { name: 'broken.json', text: '[{"a":1},' },
        { name: 'mixed.json', text: '[{"a":1},2]' },
        { name: 'missing.json', text: '[{"a":1,"b":2},{"a":3}]' },
        { name: 'twice.csv', text: 'a, a\n1,2\n' },
        { name: 'quote.csv', text: 'a\n"open\n' },
      ],
      feeders: [
        { name: 'f0', attachment: 'data.txt' },
        { name: 'f1', attachment: 'ragged.csv' },
        { name: 'f2', attachment: 'header-only.csv' },
        { name: 'f3', attachment: 'empty.csv' },
        { name: 'f4', attachment: 'object.json' },
        { name: 'f5', attachment: 'broken.json' },
        { name: 'f6', attachment: 'mixed.json' },
        { name: 'f7', attachment: 'missing.json' },
        { name: 'f8', attachment: 'twice.csv' },
        { name: 'f9', attachment: 'quote.csv' },
        { name: 'f10', attachment: 'data.txt', format: 'csv' },
      ],
    }),
    issues: [
      { path: 'feeders[0].format', message: 'required: the attachment\'s name "data.txt" ends in neither .csv nor .json (give csv or json)' },
      { path: 'feeders[1].attachment', message: 'attachment "ragged.csv" is not valid CSV: Invalid Record Length: expect 2, got 1 on line 3' },
      { path: 'feeders[2].attachment', message: 'attachment "header-only.csv" has no rows under its header line' },
      { path: 'feeders[3].attachment', message: 'attachment "empty.csv" is empty: a CSV feeder needs a header line and at least one row' },
      { path: 'feeders[4].attachment', message: 'attachment "object.json" must hold a JSON array of objects, not an object' },
      { path: 'feeders[5].attachment', message: expect.stringMatching(/^attachment "broken.json" is not valid JSON: /) as unknown as string },
      { path: 'feeders[6].attachment', message: 'attachment "mixed.json": row 2 is not an object' },
      { path: 'feeders[7].attachment', message: 'attachment "missing.json": row 2 has no "b" (every row needs the first row\'s keys: a, b)' },
      { path: 'feeders[8].attachment', message: 'attachment "twice.csv": column "a" appears twice' },
      {
        path: 'feeders[9].attachment',
        message: 'attachment "quote.csv" is not valid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2',
      },
    ],
  },
  {
    what: 'feeder names that repeat or are also variables',
    input: plan(
      {
        variables: { users: 'x' },
        attachments: [usersCsv],
        feeders: [
          { name: 'users', attachment: 'users.csv' },
          { name: 'token', attachment: 'users.csv' },
          { name: 'more', attachment: 'users.csv' },
          { name: 'more', attachment: 'users.csv' },
        ],
      },
      [{ name: 'a', method: 'GET', url: '/${more.email}', extract: [{ var: 'token', jsonPath: '$.t' }] }],
    ),
    issues: [
      { path: 'feeders[0].name', message: 'feeder name "users" is also a variable (variables.users): rename one' },
      { path: 'feeders[1].name', message: 'feeder name "token" is also a variable (steps[0].extract[0].var): rename one' },
      { path: 'feeders[3].name', message: 'duplicate feeder name "more" (also used by feeders[2])' },
    ],
  },
  {
    what: 'an if without a condition, a group without steps, a plan without steps or name',
    input: { baseUrl: BASE, steps: [{ kind: 'if', then: [{ ms: 1 }] }, { then: [] }, { kind: 'group', repeat: 2 }, { repeat: 2, steps: [] }] },
    issues: [
      { path: 'name', message: 'required' },
      { path: 'steps[0].condition', message: 'required' },
      { path: 'steps[1].condition', message: 'required' },
      { path: 'steps[2].steps', message: 'required' },
      { path: 'steps[3].steps', message: 'needs at least one step' },
    ],
  },
  {
    what: 'missing fields of steps, extracts, conditions and feeders',
    input: plan({ attachments: [usersCsv], feeders: [{ name: 'f' }] }, [
      { kind: 'http', name: 'a' },
      { name: 'b', method: 'GET', url: '/', extract: [{ jsonPath: '$.a' }] },
      { condition: { on: 'variable' } },
    ]),
    issues: [
      { path: 'feeders[0].attachment', message: 'required' },
      { path: 'steps[0].method', message: 'required' },
      { path: 'steps[0].url', message: 'required' },
      { path: 'steps[1].extract[0].var', message: 'required' },
      { path: 'steps[2].condition.op', message: 'required' },
      { path: 'steps[2].condition.value', message: 'required' },
    ],
  },
  {
    what: 'header names that are not tokens, and values with line breaks',
    input: plan({ headers: { 'Bad Name': 'x' } }, [{ name: 'a', method: 'GET', url: '/', headers: { 'X-Ok': 'a\r\nInjected: 1' } }]),
    issues: [
      { path: 'headers.Bad Name', message: 'invalid header name "Bad Name": letters, digits and !#$%&\'*+-.^_`|~ only' },
      { path: 'steps[0].headers.X-Ok', message: 'must not hold a line break' },
    ],
  },
];

describe('PlanSchema: validation', () => {
  it.each(CASES)('$what', ({ input, issues }) => {
    const result = PlanSchema.safeParse(input);
    expect(result.success ? [] : fieldIssues(result.error)).toEqual(issues);
  });

  it('tells every problem at once: field shapes and the checks across the plan together', () => {
    const issues = issuesOf(
      plan({ baseUrl: 'not a url' }, [
        { name: 'a', method: 'FETCH', url: '/${nope}' },
        { name: 'a', method: 'GET', url: '/', extract: [{ var: '1x', jsonPath: '$[' }] },
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'baseUrl',
      'steps[0].method',
      'steps[1].extract[0].var',
      'steps[0].url',
      'steps[1].name',
      'steps[1].extract[0].jsonPath',
    ]);
  });

  it('refuses what is not a plan', () => {
    expect(issuesOf('a plan')).toEqual([{ path: '', message: 'a plan must be an object' }]);
    expect(issuesOf(undefined)).toEqual([{ path: '', message: 'a plan is required' }]);
    expect(issuesOf({ name: 'p', baseUrl: BASE, steps: [42, { name: 'x' }, { kind: 'wait' }] })).toEqual([
      { path: 'steps[0]', message: 'must be a step: an object whose kind is http, think, if or group' },
      {
        path: 'steps[1].kind',
        message: 'required: http, think, if or group (or give method and url, ms or minMs and maxMs, condition, or steps, and the kind is inferred)',
      },
      { path: 'steps[2].kind', message: 'must be http, think, if or group' },
    ]);
  });
});

/** Follows a zod issue path in the plan as written; a missing last key is fine when the issue says it is required. */
function namesAField(input: unknown, path: readonly PropertyKey[], message: string): boolean {
  let node = input;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    if (node === null || typeof node !== 'object') return false;
    if (!Object.hasOwn(node, key as string)) {
      if (!last) return false;
      return /^required\b/.test(message);
    }
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return true;
}

/** Every path into a JSON value, the root included. */
function paths(value: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<PropertyKey, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key as string] as Record<PropertyKey, unknown>;
  node[path.at(-1) as string] = value;
  return copy;
}

describe('PlanSchema: every issue names a real field', () => {
  it('for every case above', () => {
    for (const { what, input } of CASES) {
      const result = PlanSchema.safeParse(input);
      for (const issue of result.success ? [] : result.error.issues) {
        withMessage(`${what}: ${formatPath(issue.path)}: ${issue.message}`, () => expect(namesAField(input, issue.path, issue.message)).toBe(true));
      }
    }
  });

  it('whatever field of a valid plan is replaced, by whatever value (property)', () => {
    const bad = fc.oneof(
      fc.constantFrom('', '${nope}', '${', '$..[', '(', 'users.csv', 'FETCH', 'relative', 'login', -1, 0, 1.5, null, [], {}, { kind: 'http' }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const fields = paths(fullPlan).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...fields), bad, fc.boolean(), (path, value, remove) => {
        const input = remove ? setAt(fullPlan, path, undefined) : setAt(fullPlan, path, value);
        const result = PlanSchema.safeParse(JSON.parse(JSON.stringify(input)) as unknown);
        for (const issue of result.success ? [] : result.error.issues) {
          if (!namesAField(JSON.parse(JSON.stringify(input)), issue.path, issue.message)) {
            throw new Error(`${formatPath(path)} = ${JSON.stringify(value)}: ${formatPath(issue.path)}: ${issue.message}`);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('and a parsed plan parses again to itself', () => {
    const parsed: Plan = PlanSchema.parse(fullPlan);
    expect(PlanSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });
});
