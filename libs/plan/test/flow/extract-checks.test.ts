import { CheckSchema, ExtractSchema } from '@loadtest/protocol';
import { describe, expect, it } from '@jest/globals';
import { compileCheck } from '../../src/flow/checks.js';
import { compileExtract } from '../../src/flow/extract.js';
import { FlowResponse } from '../../src/flow/response.js';
import { response } from './helpers.js';

const extract = (spec: unknown) => compileExtract(ExtractSchema.parse(spec), 's');
const check = (spec: unknown) => compileCheck(CheckSchema.parse(spec), 's', 0);

describe('extractions', () => {
  const json = response(200, JSON.stringify({ token: 'abc', n: 7, items: [{ id: 'x' }, { id: 'y' }], obj: { a: [1] }, nil: null }), {
    'X-Trace': 't-1',
    'Set-Cookie': 'a=1',
  });

  it('JSONPath: the first match; numbers and objects as their JSON text, null as empty; a miss is undefined', () => {
    expect(extract({ var: 'v', jsonPath: '$.token' }).read(json)).toBe('abc');
    expect(extract({ var: 'v', jsonPath: '$.n' }).read(json)).toBe('7');
    expect(extract({ var: 'v', jsonPath: '$.items[*].id' }).read(json)).toBe('x');
    expect(extract({ var: 'v', jsonPath: '$.obj' }).read(json)).toBe('{"a":[1]}');
    expect(extract({ var: 'v', jsonPath: '$.nil' }).read(json)).toBe('');
    expect(extract({ var: 'v', jsonPath: '$.missing' }).read(json)).toBeUndefined();
    expect(extract({ var: 'v', jsonPath: '$.token' }).read(response(200, 'not json'))).toBeUndefined();
    expect(extract({ var: 'v', jsonPath: '$.token' }).needsBody).toBe(true);
  });

  it('regex: group 1 by default, 0 for the whole match, a missing group or no match is undefined', () => {
    const html = response(200, '<input name="csrf" value="k9Z"> id=12');
    expect(extract({ var: 'v', regex: 'value="([^"]+)"' }).read(html)).toBe('k9Z');
    expect(extract({ var: 'v', regex: 'id=\\d+', group: 0 }).read(html)).toBe('id=12');
    expect(extract({ var: 'v', regex: 'id=(\\d+)|(x)', group: 2 }).read(html)).toBeUndefined();
    expect(extract({ var: 'v', regex: 'nothing(.)' }).read(html)).toBeUndefined();
  });

  it('header (any case) and status; nothing from a request that got no answer', () => {
    expect(extract({ var: 'v', header: 'x-trace' }).read(json)).toBe('t-1');
    expect(extract({ var: 'v', header: 'x-none' }).read(json)).toBeUndefined();
    expect(extract({ var: 'v', status: true }).read(json)).toBe('200');
    expect(extract({ var: 'v', header: 'x-trace' }).needsBody).toBe(false);
    for (const spec of [{ jsonPath: '$.a' }, { regex: '(.)' }, { header: 'x' }, { status: true }])
      expect(extract({ var: 'v', ...spec }).read(FlowResponse.failed())).toBeUndefined();
  });

  it('a bad JSONPath or regex is refused when the flow is compiled, naming the step', () => {
    expect(() => extract({ var: 'v', jsonPath: '$[' })).toThrow(/step "s", extract v: invalid JSONPath/);
    expect(() => extract({ var: 'v', regex: '(' })).toThrow(/step "s", extract v: invalid regex/);
  });
});

describe('checks', () => {
  const ok = response(200, '{"ok":true,"user":{"id":1,"tags":["a","b"]}}', { 'Content-Type': 'application/json; charset=utf-8' }, 40);

  it('status in a set', () => {
    expect(check({ status: [200, 201] }).passes(ok)).toBe(true);
    expect(check({ status: [201] }).passes(ok)).toBe(false);
  });

  it('body contains', () => {
    expect(check({ bodyContains: '"ok":true' }).passes(ok)).toBe(true);
    expect(check({ bodyContains: 'nope' }).passes(ok)).toBe(false);
  });

  it('JSONPath equals, with deep equality', () => {
    expect(check({ jsonPath: '$.user', equals: { id: 1, tags: ['a', 'b'] } }).passes(ok)).toBe(true);
    expect(check({ jsonPath: '$.user', equals: { id: 1, tags: ['b', 'a'] } }).passes(ok)).toBe(false);
    expect(check({ jsonPath: '$.user.id', equals: '1' }).passes(ok)).toBe(false);
    expect(check({ jsonPath: '$.missing', equals: null }).passes(ok)).toBe(false);
  });

  it('header matches a regex', () => {
    expect(check({ header: 'content-type', matches: '^application/json' }).passes(ok)).toBe(true);
    expect(check({ header: 'content-type', matches: 'xml' }).passes(ok)).toBe(false);
    expect(check({ header: 'x-none', matches: '.*' }).passes(ok)).toBe(false);
  });

  it('latency below', () => {
    expect(check({ latencyBelowMs: 50 }).passes(ok)).toBe(true);
    expect(check({ latencyBelowMs: 40 }).passes(ok)).toBe(false);
  });

  it('every kind fails on a request that got no answer', () => {
    for (const spec of [{ status: [200] }, { bodyContains: 'a' }, { jsonPath: '$', equals: null }, { header: 'x', matches: '.*' }, { latencyBelowMs: 1e9 }]) {
      expect(check(spec).passes(FlowResponse.failed())).toBe(false);
    }
  });
});
