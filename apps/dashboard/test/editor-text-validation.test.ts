import { describe, expect, it } from '@jest/globals';
import { readPlanYaml } from '@loadtest/plan';
import { StoredPlanSchema } from '@loadtest/plan';
import { formatPlanPath, type EditorIssue } from '../src/editor/editor-issue.js';
import { issuesFromApiError } from '../src/editor/validation/api-issues.js';
import { parsePlanPath } from '../src/editor/state/plan-path.js';
import { planIssues } from '../src/editor/validation/plan-issues.js';
import { stepIssueSummary } from '../src/editor/validation/step-issue-summary.js';
import { planFormatExamples } from './support/editor-text-plan-examples.js';

const examples = planFormatExamples().map((e) => ({ ...e, plan: (e.language === 'json' ? JSON.parse(e.source) : readPlanYaml(e.source)) as unknown }));

/** `path: message` of each issue of a severity: what the editor lists. */
const told = (issues: EditorIssue[], severity: EditorIssue['severity']) =>
  issues.filter((issue) => issue.severity === severity).map((issue) => `${formatPlanPath(issue.path)}: ${issue.message}`);

const plan = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'p', baseUrl: 'https://x.test', ...extra, steps });

describe('planIssues', () => {
  it.each(examples.map((e) => [`${e.name} (${e.language})`, e.plan] as const))('finds no error in the example %s', (_, example) => {
    expect(told(planIssues(example), 'error')).toEqual([]);
  });

  it("gives the master's errors at the fields the author wrote", () => {
    const issues = planIssues({ name: 'p', baseUrl: 'https://x.test', requests: [{ name: 'a', method: 'GET', path: 'nope' }] });
    expect(told(issues, 'error')).toEqual(['requests[0].path: must start with "/" or be an absolute http(s) URL']);
    expect(told(planIssues({ name: '', baseUrl: 'ftp://x', steps: [] }), 'error')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^name: /), expect.stringMatching(/^baseUrl: /), 'steps: needs at least one step']),
    );
  });

  it('warns of a variable extracted but never used, naming it at its extract', () => {
    const issues = planIssues(
      plan([
        {
          name: 'login',
          method: 'POST',
          url: '/login',
          extract: [
            { var: 'token', jsonPath: '$.token' },
            { var: 'sessionId', header: 'x-session' },
          ],
        },
        { name: 'me', method: 'GET', url: '/me', headers: { Authorization: 'Bearer ${token}' } },
      ]),
    );
    expect(told(issues, 'error')).toEqual([]);
    expect(told(issues, 'warning')).toEqual(['steps[0].extract[1].var: variable "sessionId" is extracted but never used']);
  });

  it('counts a use anywhere as a use: before the extract (next iteration), in a condition, in a nested flow, in a bare legacy body', () => {
    const issues = planIssues(
      plan([
        {
          kind: 'if',
          condition: { on: 'variable', variable: 'role', op: 'equals', value: 'admin' },
          then: [{ name: 'a', method: 'GET', url: '/a?c=${cursor}' }],
        },
        { kind: 'group', steps: [{ name: 'b', method: 'POST', url: '/b', body: { json: { deep: ['${page}'] } } }] },
        {
          name: 'c',
          method: 'GET',
          url: '/c',
          extract: [
            { var: 'role', jsonPath: '$.role' },
            { var: 'cursor', jsonPath: '$.next' },
            { var: 'page', jsonPath: '$.page' },
          ],
        },
      ]),
    );
    expect(told(issues, 'warning')).toEqual([]);
    const legacy = planIssues({
      name: 'l',
      baseUrl: 'https://x.test',
      requests: [
        { name: 'a', method: 'GET', path: '/a', extract: [{ var: 'id', jsonPath: '$.id' }] },
        { name: 'b', method: 'POST', path: '/b', body: { id: '${id}' } },
      ],
    });
    expect(told(legacy, 'warning')).toEqual([]);
  });

  it("warns of a variable used but never set, unless the master's schema already told it at that field", () => {
    const issues = planIssues(plan([{ name: 'a', method: 'GET', url: '/a/${user}', query: { q: '${search.term}' } }], { variables: { other: 1 } }));
    // The schema refuses an unknown variable: one error at each field, no second issue of it there.
    expect(told(issues, 'error')).toEqual([
      'steps[0].url: unknown variable "${user}" (defined: other)',
      'steps[0].query.q: unknown variable "${search.term}" (defined: other)',
    ]);
    expect(told(issues, 'warning')).toEqual([]);
    // A field with a control character is told once, by that: the unknown variable is told by the warning.
    const flagged = planIssues(plan([{ name: 'a', method: 'GET', url: '/a/${user}\u0001', headers: { 'x-f': '${feed.col}\u0001' } }]));
    expect(told(flagged, 'warning')).toEqual([
      'steps[0].url: variable "user" is used but never set (not in variables, not extracted by any step, not a feeder column)',
      'steps[0].headers.x-f: variable "feed.col" is used but never set (no feeder is named "feed")',
    ]);
  });

  it('a plan the master refuses always has an error (random mutations of the examples)', () => {
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const junk = [null, '', ' ', 0, -1, 1e9, true, [], {}, 'x', '${nope}', '${', '/x', 'GET', 'no\u0000nul', 'http://', '$.[', '(', [{}]];
    const containers = (value: unknown, out: (Record<string, unknown> | unknown[])[] = []) => {
      if (value !== null && typeof value === 'object') {
        out.push(value as Record<string, unknown>);
        for (const child of Object.values(value)) containers(child, out);
      }
      return out;
    };
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const mutated = structuredClone(pick(examples).plan);
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
        const target = pick(containers(mutated));
        const keys = Object.keys(target);
        if (keys.length === 0) continue;
        const key = pick(keys);
        const r = next();
        if (r < 0.3 && !Array.isArray(target)) delete target[key];
        else if (r < 0.4) (target as Record<string, unknown>)[`extra${n}`] = pick(junk);
        else (target as Record<string, unknown>)[key] = pick(junk);
      }
      if (StoredPlanSchema.safeParse(mutated).success) continue;
      refused++;
      const errors = told(planIssues(mutated), 'error');
      if (errors.length === 0) throw new Error(`no error for a refused plan: ${JSON.stringify(mutated)}`);
    }
    expect(refused).toBeGreaterThan(200);
  });
});

describe('parsePlanPath', () => {
  it.each([
    ['steps[2].extract[0].jsonPath', ['steps', 2, 'extract', 0, 'jsonPath']],
    ['', []],
    ['headers.content-type', ['headers', 'content-type']],
    ['steps[0].then[1].body.json.items[3]', ['steps', 0, 'then', 1, 'body', 'json', 'items', 3]],
    ['testPlan[0].children[2].data.url', ['testPlan', 0, 'children', 2, 'data', 'url']],
    ['variables.1', ['variables', '1']],
  ] as const)('reads %j', (text, path) => {
    expect(parsePlanPath(text)).toEqual(path);
    expect(formatPlanPath(parsePlanPath(text))).toBe(text);
  });

  it('inverts formatPlanPath for keys without "." (random paths)', () => {
    let state = 3;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['steps', 'a-b', 'x y', 'é', '$', 'a]b', '[x]', '0', 'Authorization', '${x}'];
    for (let i = 0; i < 300; i++) {
      const path = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, j) =>
        j > 0 && next() < 0.4 ? Math.floor(next() * 20) : keys[Math.floor(next() * keys.length)]!,
      );
      expect(parsePlanPath(formatPlanPath(path))).toEqual(path);
    }
  });
});

describe('issuesFromApiError', () => {
  it("gives each of a 400's issues at its parsed path", () => {
    const body = {
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid body: …',
      issues: [
        { path: 'steps[2].extract[0].jsonPath', message: 'invalid JSONPath "$..["' },
        { path: '', message: 'a plan must be an object' },
      ],
    };
    expect(issuesFromApiError(body)).toEqual([
      { path: ['steps', 2, 'extract', 0, 'jsonPath'], message: 'invalid JSONPath "$..["', severity: 'error' },
      { path: [], message: 'a plan must be an object', severity: 'error' },
    ]);
  });

  it('gives the message for the whole plan when there are no issues, and nothing for no body', () => {
    expect(issuesFromApiError({ statusCode: 409, error: 'Conflict', message: 'plan is in use' })).toEqual([
      { path: [], message: 'plan is in use', severity: 'error' },
    ]);
    expect(issuesFromApiError(null)).toEqual([]);
  });
});

describe('stepIssueSummary', () => {
  const issues: EditorIssue[] = [
    { path: ['steps', 1, 'url'], message: 'bad url', severity: 'error' },
    { path: ['steps', 1, 'extract', 0, 'var'], message: 'unused', severity: 'warning' },
    { path: ['steps', 1, 'steps'], message: 'required', severity: 'error' },
    { path: ['steps', 1, 'steps', 0, 'url'], message: 'child', severity: 'error' },
    { path: ['steps', 10, 'url'], message: 'other step', severity: 'error' },
    { path: ['steps'], message: 'the list', severity: 'error' },
  ];

  it("counts a step's own issues, not another step's nor its child steps'", () => {
    const summary = stepIssueSummary(issues, ['steps', 1]);
    expect(summary.issues.map((i) => i.message)).toEqual(['bad url', 'unused', 'required']);
    expect(summary).toMatchObject({ errors: 2, warnings: 1, severity: 'error' });
  });

  it('with child steps, counts theirs too; a step with only warnings is a warning; none is no badge', () => {
    expect(stepIssueSummary(issues, ['steps', 1], { withChildSteps: true }).errors).toBe(3);
    expect(stepIssueSummary([issues[1]!], ['steps', 1]).severity).toBe('warning');
    expect(stepIssueSummary(issues, ['steps', 2])).toEqual({ issues: [], errors: 0, warnings: 0, severity: null });
  });
});
