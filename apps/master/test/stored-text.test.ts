import { fieldIssues, StartRunBodySchema, storedText, storedTextProblem, storedTextProblems } from '@loadtest/protocol';
import { PlanSchema, planTextKind, StoredPlanSchema } from '@loadtest/plan';
import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { z } from 'zod';

interface TestPlan {
  name: string;
  baseUrl: string;
  variables: Record<string, string>;
  headers: Record<string, string>;
  attachments: { name: string; text: string }[];
  feeders: { name: string; attachment: string }[];
  steps: Record<string, unknown>[];
}

const plan = (): TestPlan => ({
  name: 'shop',
  baseUrl: 'http://127.0.0.1:9',
  variables: { token: 'abc' },
  headers: { accept: 'application/json' },
  attachments: [{ name: 'users.csv', text: 'user\nada\n' }],
  feeders: [{ name: 'users', attachment: 'users.csv' }],
  steps: [
    {
      name: 'login',
      method: 'POST',
      url: '/login',
      query: { q: 'x' },
      body: { json: { user: '${users.user}', list: ['a'] } },
      checks: [{ jsonPath: '$.ok', equals: { a: 'b' } }],
      extract: [{ var: 'sid', regex: 'sid=(\\w+)', default: 'none' }],
    },
    { method: 'POST', url: '/t', name: 't', body: { text: 'a' } },
  ],
});

/** The 400's issues for a plan body, by path. */
const issues = (input: unknown) => {
  const result = StoredPlanSchema.safeParse(input);
  return result.success ? [] : fieldIssues(result.error);
};

describe('stored text rules', () => {
  it('refuses NUL in every kind, and tells the character and where it is', () => {
    expect(storedTextProblem('ab\u0000c', 'line')).toBe('must not contain control characters (U+0000 at 2)');
    expect(storedTextProblem('ab\u0000c', 'text')).toBe('must not contain control characters (U+0000 at 2)');
    expect(storedTextProblem('ab\u0000c', 'data')).toBe('must not contain control characters (U+0000 at 2)');
  });

  it('refuses every control character in one line, only tab, LF and CR being allowed in text, and all but NUL in data', () => {
    for (let code = 1; code < 0x20; code++) {
      const c = String.fromCharCode(code);
      withMessage(`line, U+${code}`, () =>
        expect(storedTextProblem(`x${c}`, 'line')).toMatch(/^must not contain control characters \(U\+00[01][0-9A-F] at 1\)$/),
      );
      withMessage(`text, U+${code}`, () =>
        expect(storedTextProblem(`x${c}`, 'text')).toBe(['\t', '\n', '\r'].includes(c) ? undefined : storedTextProblem(`x${c}`, 'line')),
      );
      withMessage(`data, U+${code}`, () => expect(storedTextProblem(`x${c}`, 'data')).toBeUndefined());
    }
    expect(storedTextProblem('a\u007f', 'line')).toBe('must not contain control characters (U+007F at 1)');
    expect(storedTextProblem('a\u007f', 'text')).toBe('must not contain control characters (U+007F at 1)');
    expect(storedTextProblem('a\u007f', 'data')).toBeUndefined();
  });

  it('takes any other text, and refuses lone surrogates (jsonb refuses them) but not pairs', () => {
    expect(storedTextProblem('Grüße 😀 — ok, ${x}', 'line')).toBeUndefined();
    expect(storedTextProblem('\u0085\u2028', 'line')).toBeUndefined();
    expect(storedTextProblem('a\uD800b', 'data')).toBe('must not contain a lone surrogate (U+D800 at 1)');
    expect(storedTextProblem('a\uDC00', 'text')).toBe('must not contain a lone surrogate (U+DC00 at 1)');
    expect(storedTextProblem('\uD83D', 'line')).toBe('must not contain a lone surrogate (U+D83D at 0)');
  });

  it('is a zod refinement of a field', () => {
    const schema = z.object({ name: z.string().superRefine(storedText('line')) });
    const result = schema.safeParse({ name: 'a\tb' });
    expect(result.success).toBe(false);
    expect(fieldIssues(result.error!)).toEqual([{ path: 'name', message: 'must not contain control characters (U+0009 at 1)' }]);
  });

  it('walks keys and values, naming each by its path', () => {
    const problems = storedTextProblems({ a: ['ok', 'b\u0000'], ['k\u0001']: 'v', c: { d: 'e\u0002' } }, () => 'line');
    expect(problems).toEqual([
      { path: ['a', 1], message: 'must not contain control characters (U+0000 at 1)' },
      { path: ['k\u0001'], message: 'key "k\\u0001": must not contain control characters (U+0001 at 1)' },
      { path: ['c', 'd'], message: 'must not contain control characters (U+0002 at 1)' },
    ]);
  });

  it('tells a plan’s fields apart: one line, free text, data', () => {
    expect(planTextKind(['name'], false)).toBe('line');
    expect(planTextKind(['steps', 0, 'url'], false)).toBe('line');
    expect(planTextKind(['steps', 0, 'headers', 'x-a'], true)).toBe('line');
    expect(planTextKind(['steps', 0, 'headers', 'x-a'], false)).toBe('text');
    expect(planTextKind(['steps', 0, 'body', 'text'], false)).toBe('text');
    expect(planTextKind(['attachments', 0, 'text'], false)).toBe('text');
    expect(planTextKind(['variables', 'token'], false)).toBe('text');
    expect(planTextKind(['steps', 0, 'body', 'json'], true)).toBe('line');
    expect(planTextKind(['steps', 0, 'body', 'json', 'a', 0], false)).toBe('data');
    expect(planTextKind(['steps', 0, 'body', 'json', 'a\tb'], true)).toBe('data');
    expect(planTextKind(['steps', 2, 'then', 0, 'checks', 1, 'equals', 'k'], false)).toBe('data');
    expect(planTextKind(['requests', 0, 'body'], false)).toBe('text');
    expect(planTextKind(['requests', 0, 'body', 'k'], true)).toBe('data');
    expect(planTextKind(['requests', 0, 'path'], false)).toBe('line');
  });

  it('answers a plan body with a NUL, or a control character where it makes no sense, by the path of the field', () => {
    expect(issues(plan())).toEqual([]);
    expect(issues({ ...plan(), name: 'sh\u0000op' })).toEqual([{ path: 'name', message: 'must not contain control characters (U+0000 at 2)' }]);
    expect(issues({ ...plan(), name: 'sh\top' })).toEqual([{ path: 'name', message: 'must not contain control characters (U+0009 at 2)' }]);

    const p = plan();
    p.steps[0]!.body = { json: { user: 'a\u0000', list: ['tab\tand\u0001 are data'] } };
    p.steps[0]!.url = '/lo\ngin';
    p.attachments[0]!.text = 'user\nada\u0000\n';
    p.variables.token = 'multi\nline\ttext';
    p.headers = { ['acc\u0000ept']: 'x' };
    p.steps[0]!.checks = [{ jsonPath: '$.ok', equals: 'x\u0000' }];
    expect(issues(p)).toEqual([
      { path: 'headers.acc\u0000ept', message: 'key "acc\\u0000ept": must not contain control characters (U+0000 at 3)' },
      { path: 'attachments[0].text', message: 'must not contain control characters (U+0000 at 8)' },
      { path: 'steps[0].url', message: 'must not contain control characters (U+000A at 3)' },
      { path: 'steps[0].body.json.user', message: 'must not contain control characters (U+0000 at 1)' },
      { path: 'steps[0].checks[0].equals', message: 'must not contain control characters (U+0000 at 1)' },
    ]);
  });

  it('names the fields of a plan written before v1 as written, and tells each field once', () => {
    const legacy = {
      name: 'old',
      baseUrl: 'http://127.0.0.1:9',
      requests: [{ name: 'r', method: 'GET', path: '/a\u0000', headers: { h: 'v\u0000' }, body: { k: 'v\u0000' } }],
    };
    expect(issues(legacy)).toEqual([
      { path: 'requests[0].path', message: 'must not contain control characters (U+0000 at 2)' },
      { path: 'requests[0].headers.h', message: 'must not contain control characters (U+0000 at 1)' },
      { path: 'requests[0].body.k', message: 'must not contain control characters (U+0000 at 1)' },
    ]);
  });

  it('still reads a plan stored before the rule (tolerant reads), and takes free text where it belongs', () => {
    const stored = { ...plan(), name: 'tab\there' };
    expect(PlanSchema.safeParse(stored).success).toBe(true);
    expect(issues(stored)).toHaveLength(1);
    const p = plan();
    p.steps[1]!.body = { text: 'line 1\r\nline 2\tend' };
    expect(issues(p)).toEqual([]);
  });

  it('answers a run whose threshold holds a control character by its path', () => {
    const result = StartRunBodySchema.safeParse({ connections: 1, durationSeconds: 1, thresholds: [{ expression: 'p95 < 100', step: 'log\u0000in' }] });
    expect(result.success).toBe(false);
    expect(fieldIssues(result.error!)).toEqual([{ path: 'thresholds[0].step', message: 'must not contain control characters (U+0000 at 3)' }]);
  });
});
