import { describe, expect, it } from 'vitest';
import { LegacyTreeSchema, planFromLegacyTree, type LegacyTree } from '../src/index.js';
import { fixture, importIssues, plan } from './support.js';

const shop = () => fixture('../../protocol/test/fixtures/legacy-plan-tree.json');
const cleanUp = () => fixture('../../protocol/test/fixtures/legacy-plan-tree-random-delete.json');

/** A tree from a start node to the given nodes; `start` goes on with the first. */
const tree = (...nodes: Record<string, unknown>[]): LegacyTree => ({ nodes: [{ id: 's', type: 'start', next: nodes[0]?.id ?? null }, ...nodes] as LegacyTree['nodes'] });
const get = (id: string, next: string | null = null, url = `https://app.test/${id}`) => ({ id, type: 'getRequest', data: { url }, next });

describe('planFromLegacyTree', () => {
  it('converts every node type, with both branches of nested ifs', () => {
    const products = { kind: 'http', method: 'GET', url: '/api/products', query: { category: 'shoes', page: '1' } };
    expect(planFromLegacyTree(shop())).toEqual(
      plan({
        name: 'Shop checkout (legacy)',
        baseUrl: 'https://shop.example.com',
        steps: [
          { kind: 'http', name: 'Log in', method: 'POST', url: '/api/login', query: { remember: '1' }, body: { json: { user: 'demo', password: 'secret' } } },
          { kind: 'think', ms: 1000 },
          {
            kind: 'if',
            name: 'Logged in?',
            condition: { on: 'status', op: 'equals', value: 200 },
            then: [
              { ...products, name: 'GET /api/products' },
              {
                kind: 'if',
                condition: { on: 'latencyMs', op: 'greaterThan', value: 800 },
                // The same request again: its name is made unique; the stop after it ends the branch.
                then: [{ kind: 'think', name: 'Back off', ms: 3000 }, { ...products, name: 'GET /api/products (2)' }],
                else: [
                  { kind: 'http', name: 'Add to cart', method: 'PUT', url: '/api/cart/42', headers: { 'X-Client': 'legacy-runner' }, body: { json: { sku: 'SHOE-42', qty: 2 } } },
                  {
                    kind: 'if',
                    condition: { on: 'size', op: 'lessThan', value: 1024 },
                    then: [{ kind: 'http', name: 'Empty cart', method: 'DELETE', url: '/api/cart/42' }],
                    else: [],
                  },
                ],
              },
            ],
            // Another origin keeps its absolute URL; a null next ends the branch.
            else: [{ kind: 'http', name: 'GET status.example.com/health', method: 'GET', url: 'https://status.example.com/health' }],
          },
        ],
      }),
    );
  });

  it('converts a RANDOM delay, a DELETE, integer ids and a text body; unreachable nodes are left out', () => {
    expect(planFromLegacyTree(cleanUp(), { name: 'Clean-up' })).toEqual(
      plan({
        name: 'Clean-up',
        baseUrl: 'https://api.example.org',
        steps: [
          { kind: 'http', name: 'GET /v2/sessions', method: 'GET', url: '/v2/sessions', query: { active: 'true' } },
          { kind: 'think', name: 'Think', minMs: 500, maxMs: 2500 },
          { kind: 'http', name: 'Log out', method: 'DELETE', url: '/v2/sessions/current', headers: { Authorization: 'Bearer test-token' } },
          {
            kind: 'if',
            condition: { on: 'status', op: 'notEquals', value: 204 },
            then: [{ kind: 'http', name: 'POST /v2/errors', method: 'POST', url: '/v2/errors', headers: { 'content-type': 'text/plain' }, body: { text: 'logout failed' } }],
            else: [],
          },
        ],
      }),
    );
  });

  it('names a node of unknown type by its id', () => {
    const input = tree(get('a', 'b'), { id: 'b', type: 'loopNode', data: { times: 3 } });
    expect(importIssues(() => planFromLegacyTree(input))).toEqual([
      { path: 'nodes[2].type', message: 'node "b": unknown type "loopNode" (expected start, stop, getRequest, postRequest, putRequest, deleteRequest, delayNode, ifCondition)' },
    ]);
    expect(importIssues(() => planFromLegacyTree({ nodes: [{ id: 7 }] }))).toEqual([{ path: 'nodes[0].type', message: expect.stringMatching(/^node "7": no type \(expected start/) }]);
  });

  it('names the nodes of a cycle', () => {
    const input = tree(get('a', 'b'), { id: 'b', type: 'delayNode', data: { delayType: 'FIXED', ms: 10 }, next: 'c' }, { id: 'c', type: 'ifCondition', data: { field: 'response_code', condition: 'equals', value: 200 }, trueBranch: 'a', falseBranch: null });
    expect(importIssues(() => planFromLegacyTree(input))).toEqual([{ path: 'nodes[3].trueBranch', message: 'node "c": trueBranch goes back to "a", a cycle: "a" → "b" → "c" → "a"' }]);
    const toStart = tree(get('a', 's'));
    expect(importIssues(() => planFromLegacyTree(toStart))).toEqual([{ path: 'nodes[1].next', message: 'node "a": next goes back to "s", a cycle: "s" → "a" → "s"' }]);
    const self = tree({ id: 'a', type: 'delayNode', data: { delayType: 'FIXED', ms: 1 }, next: 'a' }, get('b'));
    expect(importIssues(() => planFromLegacyTree(self))).toEqual([
      { path: 'nodes[1].next', message: 'node "a": next goes back to "a", a cycle: "a" → "a"' },
      { path: 'nodes', message: 'no request node can be reached from start "s"' },
    ]);
  });

  it('refuses a node with two parents', () => {
    const input = tree({ id: 'if', type: 'ifCondition', data: { field: 'response_code', condition: 'equals', value: 200 }, trueBranch: 'a', falseBranch: 'b' }, get('a', 'end'), get('b', 'end'), { id: 'end', type: 'stop' });
    expect(importIssues(() => planFromLegacyTree(input))).toEqual([{ path: 'nodes[3].next', message: 'node "end" is reached from both "a" and "b": each node has one parent in a legacy tree' }]);
  });

  it('names what else is wrong with the tree', () => {
    const cases: [unknown, { path: string; message: string }[]][] = [
      [{ nodes: [get('a')] }, [{ path: 'nodes', message: 'no start node' }]],
      [{ nodes: [{ id: 's', type: 'start', next: 'a' }, { id: 't', type: 'start' }, get('a')] }, [{ path: 'nodes[1].type', message: 'node "t": a second start node (the first is "s")' }]],
      [tree(get('a', 'zz')), [{ path: 'nodes[1].next', message: 'node "a": next refers to no node ("zz")' }]],
      [tree(get('a'), get('a')), [{ path: 'nodes[2].id', message: 'duplicate id "a" (also nodes[1])' }]],
      [tree({ id: 'x', type: 'stop' }), [{ path: 'nodes', message: 'no request node can be reached from start "s"' }]],
      [tree(get('a', null, '/relative')), [{ path: 'nodes[1].data.url', message: 'must be an absolute http:// or https:// URL' }]],
      [tree(get('a', 'd'), { id: 'd', type: 'delayNode', data: { delayType: 'RANDOM', min: 900, max: 100 } }), [{ path: 'nodes[2].data.max', message: 'must be at least min' }]],
      [tree(get('a', 'd'), { id: 'd', type: 'delayNode', data: { delayType: 'GAUSSIAN', ms: 5 } }), [{ path: 'nodes[2].data.delayType', message: 'delayType must be FIXED (with ms) or RANDOM (with min and max)' }]],
      [
        tree(get('a', 'i'), { id: 'i', type: 'ifCondition', data: { field: 'body', condition: 'contains', value: 1.5 }, trueBranch: null, next: 'a' }),
        [
          { path: 'nodes[2].data.field', message: 'must be response_code, response_time or response_size' },
          { path: 'nodes[2].data.condition', message: 'must be equals, not_equals, greater_than or less_than' },
          { path: 'nodes[2].data.value', message: 'must be an integer' },
          { path: 'nodes[2].next', message: 'an ifCondition goes on through trueBranch and falseBranch, not next' },
        ],
      ],
      [tree(get('a', 'x'), { id: 'x', type: 'stop', next: 'a' }), [{ path: 'nodes[2].next', message: 'a stop node ends its branch: it has no next' }]],
      [{ nodes: 'none' }, [{ path: 'nodes', message: expect.stringContaining('expected array') }]],
    ];
    for (const [input, issues] of cases) expect(importIssues(() => planFromLegacyTree(input)), JSON.stringify(input)).toEqual(issues);
  });

  it('exports the schema of its input, which checks the tree too', () => {
    expect(LegacyTreeSchema.safeParse(shop()).success).toBe(true);
    expect(LegacyTreeSchema.safeParse(tree(get('a', 'a'))).success).toBe(false);
  });
});
