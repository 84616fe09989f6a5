import { describe, expect, it } from 'vitest';
import { fieldIssues, PlanSchema } from '../src/index.js';

const valid = {
  name: 'checkout',
  baseUrl: 'http://127.0.0.1:3000/api',
  requests: [
    { name: 'home', method: 'GET', path: '/' },
    { name: 'buy', method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: { sku: 'A1', qty: 2 } },
  ],
};

function issuesOf(input: unknown) {
  const result = PlanSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : fieldIssues(result.error);
}

describe('PlanSchema', () => {
  it('accepts a plan with several requests, headers and bodies, and defaults headers to {}', () => {
    const plan = PlanSchema.parse(valid);
    expect(plan.requests[0]!.headers).toEqual({});
    expect(plan.requests[1]!.body).toEqual({ sku: 'A1', qty: 2 });
  });

  it('names every offending field by its path', () => {
    const issues = issuesOf({
      name: '',
      baseUrl: 'ftp://example',
      requests: [{ name: 'a', method: 'FETCH', path: 'no-slash' }, { name: 'a', method: 'GET', path: '/' }],
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'baseUrl', 'requests[0].method', 'requests[0].path']));
    expect(issues.find((i) => i.path === 'requests[0].path')!.message).toBe('must start with "/"');
    expect(issues.find((i) => i.path === 'baseUrl')!.message).toMatch(/http/);
  });

  it('rejects duplicate request names, naming the later one', () => {
    const issues = issuesOf({ ...valid, requests: [valid.requests[0], valid.requests[0]] });
    expect(issues).toEqual([{ path: 'requests[1].name', message: 'duplicate request name "home" (also used by requests[0])' }]);
  });

  it('needs at least one request', () => {
    expect(issuesOf({ ...valid, requests: [] })).toEqual([{ path: 'requests', message: 'needs at least one request' }]);
  });
});
