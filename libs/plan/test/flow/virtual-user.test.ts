import { describe, expect, it } from '@jest/globals';
import { compileFlow, type CompiledHttp } from '../../src/flow/compile.js';
import { FlowResponse } from '../../src/flow/response.js';
import { thinkMs } from '../../src/flow/think.js';
import { VirtualUser } from '../../src/flow/virtual-user.js';
import { plan, response } from './helpers.js';

type Answer = (step: CompiledHttp, vu: VirtualUser) => FlowResponse;

/** Runs one iteration, answering each request with `answer`; returns what the VU did and the checks it counted, by step name. */
function iterate(vu: VirtualUser, answer: Answer) {
  const done: string[] = [];
  expect(vu.beginIteration()).toBe(true);
  for (let action = vu.next(); action.kind !== 'end'; action = vu.next()) {
    if (action.kind === 'think') {
      done.push(`think ${action.ms}`);
      continue;
    }
    done.push(action.step.name);
    vu.complete(answer(action.step, vu));
  }
  return done;
}

function user(steps: unknown[], rest: Record<string, unknown> = {}, random = Math.random) {
  const flow = compileFlow(plan(steps, rest));
  const checks: Record<string, { passed: number; failed: number }> = {};
  const vu = new VirtualUser(
    flow,
    undefined,
    (index, passed) => {
      const c = (checks[flow.names[index]!] ??= { passed: 0, failed: 0 });
      if (passed) c.passed += 1;
      else c.failed += 1;
    },
    random,
  );
  return { vu, checks, flow };
}

const get = (name: string, extra: Record<string, unknown> = {}) => ({ name, method: 'GET', url: `/${name}`, ...extra });

describe('a virtual user walking a flow', () => {
  it('runs steps in order; a group repeats; an if takes then or else on the last status; names index depth first', () => {
    const { vu, flow } = user([
      get('first'),
      { kind: 'group', repeat: 2, steps: [get('inner'), { kind: 'think', ms: 5 }] },
      { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [get('ok')], else: [get('ko')] },
      { kind: 'if', condition: { on: 'status', op: 'greaterThan', value: 499 }, then: [get('err')] },
    ]);
    expect(flow.names).toEqual(['first', 'inner', 'ok', 'ko', 'err']);
    expect(iterate(vu, () => response(200))).toEqual(['first', 'inner', 'think 5', 'inner', 'think 5', 'ok']);
    expect(iterate(vu, (step) => response(step.name === 'first' ? 200 : 503))).toEqual(['first', 'inner', 'think 5', 'inner', 'think 5', 'ko', 'err']);
  });

  it('if on latency, size, and a variable (numbers when both are numeric, else text); false before any response', () => {
    const cond = (condition: unknown) => user([{ kind: 'if', condition, then: [get('then')], else: [get('else')] }]);
    const first = (condition: unknown, steps: unknown[] = []) => {
      const { vu } = user([...steps, { kind: 'if', condition, then: [get('then')], else: [get('else')] }], { variables: { n: '10', word: 'beta' } });
      return iterate(vu, (step) => (step.name === 'probe' ? response(200, 'x'.repeat(100), {}, 30) : response(200))).at(-1);
    };
    expect(iterate(cond({ on: 'status', op: 'equals', value: 200 }).vu, () => response(200))).toEqual(['else']);
    const probe = [get('probe')];
    expect(first({ on: 'latencyMs', op: 'greaterThan', value: 20 }, probe)).toBe('then');
    expect(first({ on: 'latencyMs', op: 'lessThan', value: 20 }, probe)).toBe('else');
    expect(first({ on: 'size', op: 'equals', value: 100 }, probe)).toBe('then');
    expect(first({ on: 'variable', variable: 'n', op: 'greaterThan', value: 9 })).toBe('then');
    // Numerically 10 > 9; as text "10" < "9".
    expect(first({ on: 'variable', variable: 'n', op: 'greaterThan', value: '9' })).toBe('then');
    expect(first({ on: 'variable', variable: 'word', op: 'lessThan', value: 'gamma' })).toBe('then');
    expect(first({ on: 'variable', variable: 'word', op: 'notEquals', value: 'beta' })).toBe('else');
    // An extraction that missed leaves its variable unset, which compares as ''.
    expect(first({ on: 'variable', variable: 'maybe', op: 'equals', value: '' }, [get('probe', { extract: [{ var: 'maybe', header: 'x-none' }] })])).toBe(
      'then',
    );
  });

  it('extracts into variables used by later steps; a miss takes the default, or unsets and fails a check of the step', () => {
    const { vu, checks } = user(
      [
        get('login', {
          extract: [
            { var: 'token', jsonPath: '$.token' },
            { var: 'role', jsonPath: '$.role', default: 'guest' },
            { var: 'gone', header: 'x-gone' },
          ],
        }),
        get('use', { headers: { authorization: 'Bearer ${token}' }, query: { role: '${role}', gone: '${gone}' } }),
      ],
      { variables: { gone: 'initial' } },
    );
    const seen: string[] = [];
    iterate(vu, (step, u) => {
      if (step.name === 'use') seen.push(`${u.scope.lookup('token')}|${u.scope.lookup('role')}|${u.scope.lookup('gone')}`);
      return step.name === 'login' ? response(200, '{"token":"t1"}') : response(200);
    });
    expect(seen).toEqual(['t1|guest|']);
    // token found: passed; role has a default: not a check; gone missed: failed.
    expect(checks['login']).toEqual({ passed: 1, failed: 1 });
    expect(checks['use']).toBeUndefined();
  });

  it('counts each check under its step, inside groups and branches; a failure goes on unless stopOnFail, which ends the iteration', () => {
    const { vu, checks } = user([
      { kind: 'group', repeat: 3, steps: [get('a', { checks: [{ status: [200] }, { bodyContains: 'yes' }] })] },
      { kind: 'if', condition: { on: 'status', op: 'equals', value: 200 }, then: [get('b', { checks: [{ status: [201], stopOnFail: true }] })] },
      get('never'),
    ]);
    expect(iterate(vu, () => response(200, 'yes'))).toEqual(['a', 'a', 'a', 'b']);
    expect(checks).toEqual({ a: { passed: 6, failed: 0 }, b: { passed: 0, failed: 1 } });
    // The next iteration starts over.
    expect(iterate(vu, (step) => response(step.name === 'b' ? 201 : 500, 'no'))).toEqual(['a', 'a', 'a', 'never']);
    expect(checks['a']).toEqual({ passed: 6, failed: 6 });
  });

  it('a request that got no answer fails the step checks, and the flow goes on', () => {
    const { vu, checks } = user([get('a', { checks: [{ status: [200] }], extract: [{ var: 'x', status: true }] }), get('b')]);
    expect(iterate(vu, (step) => (step.name === 'a' ? FlowResponse.failed() : response(200)))).toEqual(['a', 'b']);
    expect(checks['a']).toEqual({ passed: 0, failed: 2 });
  });

  it('think: fixed, or uniform in [min, max] (bounds included, equal bounds valid); zero is no pause', () => {
    expect(thinkMs({ ms: 250 })).toBe(250);
    expect(thinkMs({ minMs: 50, maxMs: 150 }, () => 0)).toBe(50);
    expect(thinkMs({ minMs: 50, maxMs: 150 }, () => 0.999_999)).toBe(150);
    expect(thinkMs({ minMs: 80, maxMs: 80 }, Math.random)).toBe(80);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const ms = thinkMs({ minMs: 50, maxMs: 150 });
      expect(ms).toBeGreaterThanOrEqual(50);
      expect(ms).toBeLessThanOrEqual(150);
      sum += ms;
    }
    expect(sum / 10_000).toBeGreaterThan(98);
    expect(sum / 10_000).toBeLessThan(102);
    const { vu } = user([{ kind: 'think', ms: 0 }, get('a'), { kind: 'think', minMs: 5, maxMs: 5 }]);
    expect(iterate(vu, () => response(200))).toEqual(['a', 'think 5']);
  });
});
