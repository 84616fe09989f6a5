import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { LegacyPlanSchema, planFromLegacyDocument } from '../src/index.js';
import { fixture, importIssues, plan } from './support.js';

/** A plan saved by the old tool's front end: every node type, both branches of an if, a stop, and its canvas. */
const saved = () => fixture('fixtures/legacy-saved-plan.json') as { testPlan: unknown[]; reactFlow: unknown };

type Node = { name?: string; type: string; data?: Record<string, unknown>; children?: Node[]; conditions?: { trueChildren: Node[]; falseChildren: Node[] } };
/** Nodes as the front end saves them: each with its `children`. */
const node = (type: string, data: Record<string, unknown>, children: Node[] = [], name = ''): Node => ({ name, type, data, children });
const get = (url: string, children: Node[] = [], name = '') => node('getRequest', { url }, children, name);
const post = (url: string, body: string, children: Node[] = [], name = '') => node('postRequest', { url, body }, children, name);
const stop = (): Node => node('stopNode', {});
const delay = (ms: number, children: Node[] = []) => node('delayNode', { delayType: 'FIXED', fixedDelay: ms, randomDelay: { min: 0, max: 0 } }, children);
const ifNode = (data: Record<string, unknown>, trueChildren: Node[], falseChildren: Node[], children: Node[] = []): Node => ({
  ...node('ifCondition', data, children),
  conditions: { trueChildren, falseChildren },
});
const status200 = { field: 'response_code', condition: 'equals', value: '200' };
/** The document the front end saves, with the tree under a startNode. */
const doc = (...children: Node[]) => ({
  testPlan: [node('startNode', {}, children, 'Start')],
  reactFlow: { nodes: [], edges: [], viewport: { x: 0, y: 0, zoom: 1 } },
});
const http = (name: string, method: string, url: string, extra: Record<string, unknown> = {}) => ({ kind: 'http', name, method, url, ...extra });

describe('planFromLegacyDocument', () => {
  const expected = () =>
    plan({
      name: 'Legacy plan (127.0.0.1:3000)',
      baseUrl: 'http://127.0.0.1:3000',
      steps: [
        http('Log in', 'POST', '/login', { body: { json: { user: 'legacy', password: 'secret' } } }),
        { kind: 'think', name: 'Pause', ms: 20 },
        http('Check status', 'GET', '/status/200'),
        {
          kind: 'if',
          name: 'Status is 200?',
          condition: { on: 'status', op: 'equals', value: 200 },
          then: [
            http('Save note', 'PUT', '/echo', { headers: { 'content-type': 'text/plain' }, body: { text: 'note from the old tool' } }),
            http('Delete item', 'DELETE', '/items/42'),
            // The if's own children: after either branch, but the false branch ends with a stopNode.
            http('Home', 'GET', '/'),
          ],
          else: [http('Report failure', 'POST', '/echo', { body: { json: { failed: true } } }), { kind: 'think', name: 'Back off', minMs: 10, maxMs: 30 }],
        },
      ],
    });

  it('converts a plan the old front end saved: every node type, both branches, a stop; reactFlow is ignored', () => {
    expect(planFromLegacyDocument(saved())).toEqual(expected());
    expect(planFromLegacyDocument(saved(), { name: 'Imported' }).name).toBe('Imported');
  });

  it('takes the bare testPlan array too', () => {
    expect(planFromLegacyDocument(saved().testPlan)).toEqual(expected());
  });

  it('walks the tree depth first: a node, then its children in order, each with its own children first', () => {
    const tree = doc(get('http://a.test/1', [get('http://a.test/1a'), get('http://a.test/1b')]), get('http://a.test/2'));
    expect(planFromLegacyDocument(tree).steps.map((s) => s.kind === 'http' && s.url)).toEqual(['/1', '/1a', '/1b', '/2']);
  });

  it('maps every field and comparison of an ifCondition; its value is a number saved as text', () => {
    const cases = [
      [
        { field: 'response_code', condition: 'not_equals', value: '404' },
        { on: 'status', op: 'notEquals', value: 404 },
      ],
      [
        { field: 'response_time', condition: 'greater_than', value: '250' },
        { on: 'latencyMs', op: 'greaterThan', value: 250 },
      ],
      [
        { field: 'response_size', condition: 'less_than', value: ' 1024 ' },
        { on: 'size', op: 'lessThan', value: 1024 },
      ],
      [
        { field: 'response_time', condition: 'equals', value: 12.5 },
        { on: 'latencyMs', op: 'equals', value: 12.5 },
      ],
    ] as const;
    for (const [data, condition] of cases) {
      const steps = planFromLegacyDocument(doc(get('http://a.test/'), ifNode(data, [get('http://a.test/yes')], []))).steps;
      expect(steps[1]).toEqual({ kind: 'if', condition, then: [expect.objectContaining({ url: '/yes' })], else: [] });
    }
  });

  describe('stopNode: nothing after it runs', () => {
    it('drops the rest of its list, its own children, and what would follow', () => {
      const tree = doc(
        get('http://a.test/1', [node('stopNode', {}, [get('http://a.test/never')]), get('http://a.test/after-stop')]),
        get('http://a.test/later'),
      );
      expect(planFromLegacyDocument(tree).steps).toEqual([expect.objectContaining({ url: '/1' })]);
    });

    it('keeps what follows an if without a stop after the if, whichever branch ran', () => {
      const tree = doc(
        get('http://a.test/1'),
        ifNode(status200, [get('http://a.test/t')], [get('http://a.test/f')], [get('http://a.test/next')]),
        get('http://a.test/last'),
      );
      expect(planFromLegacyDocument(tree).steps.map((s) => (s.kind === 'http' ? s.url : s.kind))).toEqual(['/1', 'if', '/next', '/last']);
    });

    it('moves what follows an if into the branch that does not stop', () => {
      const tree = doc(get('http://a.test/1'), ifNode(status200, [stop()], [get('http://a.test/f')], [get('http://a.test/next')]), get('http://a.test/last'));
      expect(planFromLegacyDocument(tree).steps[1]).toEqual({
        kind: 'if',
        condition: { on: 'status', op: 'equals', value: 200 },
        then: [],
        else: [expect.objectContaining({ url: '/f' }), expect.objectContaining({ url: '/next' }), expect.objectContaining({ url: '/last' })],
      });
    });

    it('drops what follows an if both of whose branches stop', () => {
      const tree = doc(get('http://a.test/1'), ifNode(status200, [get('http://a.test/t', [stop()])], [stop()]), get('http://a.test/never'));
      const steps = planFromLegacyDocument(tree).steps;
      expect(steps).toHaveLength(2);
      expect(steps[1]).toMatchObject({ then: [{ url: '/t' }], else: [] });
    });

    it('copies what follows into each branch that can reach it, the copies of requests named (2)', () => {
      // The true branch stops only when a nested if holds: the rest runs at the end of its else, and of the outer else.
      const nested = ifNode({ field: 'response_time', condition: 'greater_than', value: '1000' }, [stop()], []);
      const tree = doc(
        get('http://a.test/1'),
        ifNode(status200, [get('http://a.test/t'), nested], [get('http://a.test/f')]),
        get('http://a.test/next', [delay(5)]),
      );
      expect(planFromLegacyDocument(tree).steps[1]).toEqual({
        kind: 'if',
        condition: { on: 'status', op: 'equals', value: 200 },
        then: [
          expect.objectContaining({ url: '/t' }),
          {
            kind: 'if',
            condition: { on: 'latencyMs', op: 'greaterThan', value: 1000 },
            then: [],
            else: [expect.objectContaining({ name: 'GET /next', url: '/next' }), { kind: 'think', ms: 5 }],
          },
        ],
        else: [expect.objectContaining({ url: '/f' }), expect.objectContaining({ name: 'GET /next (2)', url: '/next' }), { kind: 'think', ms: 5 }],
      });
    });
  });

  it('takes the most common origin as the base URL; another keeps its absolute URL', () => {
    const converted = planFromLegacyDocument(doc(get('https://cdn.test/app.js'), get('https://api.test/users?page=2'), get('https://api.test/users/7')));
    expect(converted.baseUrl).toBe('https://api.test');
    expect(converted.steps).toEqual([
      expect.objectContaining({ name: 'GET cdn.test/app.js', url: 'https://cdn.test/app.js' }),
      expect.objectContaining({ name: 'GET /users', url: '/users', query: { page: '2' } }),
      expect.objectContaining({ name: 'GET /users/7', url: '/users/7' }),
    ]);
  });

  it('names a step by its node, made unique, else METHOD /path; reads bodies as JSON when they parse, else text', () => {
    const tree = doc(
      get('http://a.test/x', [], 'Same'),
      get('http://a.test/y', [], 'same'),
      get('http://a.test/z', [], 'getRequest'),
      post('http://a.test/form', 'a=1&b=2'),
      post('http://a.test/json', ' [1, 2] '),
      post('http://a.test/empty', ''),
      node('deleteRequest', { url: 'http://a.test/d', body: 'left over' }),
      node('putRequest', { url: 'http://a.test/p', body: 'has ${literal}' }),
    );
    expect(planFromLegacyDocument(tree).steps).toEqual(
      plan({
        name: 'x',
        baseUrl: 'http://a.test',
        steps: [
          http('Same', 'GET', '/x'),
          http('same (2)', 'GET', '/y'),
          http('GET /z', 'GET', '/z'),
          http('POST /form', 'POST', '/form', { headers: { 'content-type': 'text/plain' }, body: { text: 'a=1&b=2' } }),
          http('POST /json', 'POST', '/json', { body: { json: [1, 2] } }),
          http('POST /empty', 'POST', '/empty'),
          // GET and DELETE send no body: one left in data is ignored.
          http('DELETE /d', 'DELETE', '/d'),
          // Sent as written: `${` is not a template here.
          http('PUT /p', 'PUT', '/p', { headers: { 'content-type': 'text/plain' }, body: { text: 'has $${literal}' } }),
        ],
      }).steps,
    );
  });

  it('names each problem at its path in the document', () => {
    const at = (path: string, message: string | ReturnType<typeof expect.stringContaining>) => [{ path, message }];
    const cases: [unknown, { path: string; message: unknown }[]][] = [
      [
        doc(get('http://a.test/', [node('loopNode', { times: 3 })])),
        at(
          'testPlan[0].children[0].children[0].type',
          'unknown node type "loopNode" (expected startNode, stopNode, getRequest, postRequest, putRequest, deleteRequest, ifCondition, delayNode)',
        ),
      ],
      [doc(get('http://a.test/'), { name: 'x' } as Node), at('testPlan[0].children[1].type', expect.stringMatching(/^no type \(expected startNode/))],
      [doc(get('http://a.test/'), get('http://a.test/'), node('getRequest', {})), at('testPlan[0].children[2].data.url', 'required: the absolute URL')],
      [doc(get('/relative')), at('testPlan[0].children[0].data.url', 'must be an absolute http:// or https:// URL')],
      [
        doc(node('postRequest', { url: 'http://a.test/', body: { a: 1 } })),
        at('testPlan[0].children[0].data.body', 'must be a string (the text the request sends)'),
      ],
      [doc(get('http://a.test/'), ifNode({ ...status200, value: 'ok' }, [], [])), at('testPlan[0].children[1].data.value', 'must be a number, got "ok"')],
      [doc(get('http://a.test/'), ifNode({ ...status200, value: '' }, [], [])), at('testPlan[0].children[1].data.value', 'must be a number, got ""')],
      [
        doc(get('http://a.test/'), ifNode({ ...status200, field: 'body' }, [], [])),
        at('testPlan[0].children[1].data.field', 'must be response_code, response_time or response_size'),
      ],
      [
        doc(get('http://a.test/'), ifNode({ ...status200, condition: 'contains' }, [], [node('delayNode', { delayType: 'FIXED' })])),
        [
          { path: 'testPlan[0].children[1].data.condition', message: 'must be equals, not_equals, greater_than or less_than' },
          { path: 'testPlan[0].children[1].conditions.falseChildren[0].data.fixedDelay', message: 'must be a delay in ms (a number, or a number as text)' },
        ],
      ],
      [
        doc(get('http://a.test/'), node('delayNode', { delayType: 'GAUSSIAN' })),
        at('testPlan[0].children[1].data.delayType', 'delayType must be FIXED (with fixedDelay) or RANDOM (with randomDelay: { min, max })'),
      ],
      [
        doc(get('http://a.test/'), node('delayNode', { delayType: 'RANDOM', randomDelay: { min: 900, max: 100 } })),
        at('testPlan[0].children[1].data.randomDelay.max', 'must be at least min'),
      ],
      [
        doc(get('http://a.test/'), node('delayNode', { delayType: 'FIXED', fixedDelay: -1 })),
        at('testPlan[0].children[1].data.fixedDelay', 'must be at least 0'),
      ],
      [{ testPlan: [get('http://a.test/')] }, at('testPlan', 'no startNode: the tree starts at a node of type startNode')],
      [{ testPlan: [] }, at('testPlan', 'no startNode: the tree starts at a node of type startNode')],
      [
        { testPlan: [node('startNode', {}, [get('http://a.test/')]), node('startNode', {})] },
        at('testPlan[1].type', 'a second startNode (the first is testPlan[0])'),
      ],
      [doc(get('http://a.test/', [node('startNode', {})])), at('testPlan[0].children[0].children[0].type', 'a startNode is only at the root of the tree')],
      [doc(delay(10, [stop()])), at('testPlan[0]', 'no request node (getRequest, postRequest, putRequest, deleteRequest) under the startNode')],
      // The format this import used to read, which no tool wrote.
      [
        {
          name: 'Checkout',
          nodes: [
            { id: 'n1', type: 'start', next: 'n2' },
            { id: 'n2', type: 'getRequest', data: { url: 'http://a.test/' } },
          ],
        },
        at('testPlan', 'required: the tree, a list of nodes from the startNode'),
      ],
      ['not a plan', at('', expect.stringContaining('expected object'))],
    ];
    for (const [input, issues] of cases) withMessage(JSON.stringify(input), () => expect(importIssues(() => planFromLegacyDocument(input))).toEqual(issues));
  });

  it('refuses a tree nested too deep or too large before walking it', () => {
    let deep: Node = get('http://a.test/');
    for (let i = 0; i < 20_000; i++) deep = delay(1, [deep]);
    expect(importIssues(() => planFromLegacyDocument(doc(deep)))).toEqual([{ path: 'testPlan', message: 'nodes are nested more than 500 deep' }]);
    // Each if whose branch may stop copies what follows into both its branches: 2^14 copies of the last request.
    const maybeStop = () => ifNode({ field: 'response_time', condition: 'greater_than', value: '1000' }, [stop()], []);
    const doubling = doc(get('http://a.test/'), ...Array.from({ length: 14 }, () => ifNode(status200, [maybeStop()], [])), get('http://a.test/last'));
    expect(importIssues(() => planFromLegacyDocument(doubling))).toEqual([
      { path: 'testPlan', message: 'copying the steps that follow an ifCondition with a stopNode into its branches makes more than 5000 steps' },
    ]);
    const wide = doc(...Array.from({ length: 2001 }, () => get('http://a.test/')));
    expect(importIssues(() => planFromLegacyDocument(wide))).toEqual([{ path: 'testPlan', message: 'holds more than 2000 nodes' }]);
  });

  it('refuses a list longer than a plan holds, naming the node it overflows at', () => {
    const tree = doc(
      get('http://a.test/first'),
      ifNode(
        status200,
        Array.from({ length: 201 }, (_, i) => get(`http://a.test/${i}`)),
        [],
      ),
    );
    expect(importIssues(() => planFromLegacyDocument(tree))).toEqual([
      {
        path: 'steps[1].then',
        message: "makes more than 200 steps in one list (from testPlan[0].children[1].conditions.trueChildren[200] on), and a plan's list holds at most 200",
      },
    ]);
  });

  it('exports the schema of its input, which checks the tree too', () => {
    expect(LegacyPlanSchema.safeParse(saved()).success).toBe(true);
    expect(LegacyPlanSchema.safeParse(saved().testPlan).success).toBe(true);
    expect(LegacyPlanSchema.safeParse({ testPlan: [get('http://a.test/')] }).success).toBe(false);
  });
});
