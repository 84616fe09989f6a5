import { describe, expect, it } from '@jest/globals';
import { renderToStaticMarkup } from 'react-dom/server';
import type { EditorIssue } from '../src/editor/editor-issue.js';
import { issueDiagnostics } from '../src/editor/text/issue-diagnostics.js';
import { LazyPlanYamlEditor } from '../src/editor/text/lazy-plan-yaml-editor.js';
import { writePlanYaml as planToYaml } from '@loadtest/plan';
import { textForOutsidePlan } from '../src/editor/text/plan-text-sync.js';
import { PlanYamlEditor } from '../src/editor/text/plan-yaml-editor.js';

/** The parent's handler: static rendering never calls it. */
const ignore = (_plan: unknown) => undefined;

const plan = { name: 'p', baseUrl: 'https://x.test', steps: [{ name: 'a', method: 'GET', url: '/a', extract: [{ var: 'id', jsonPath: '$.id' }] }] };

describe('textForOutsidePlan', () => {
  it("keeps the author's text (comments, quoting, flow style) while it reads as the plan", () => {
    const text = "# mine\nname: 'p'\nbaseUrl: https://x.test\nsteps: [{ name: a, method: GET, url: /a, extract: [{var: id, jsonPath: $.id}] }]\n";
    expect(textForOutsidePlan(text, plan)).toBeUndefined();
  });

  it('writes the plan anew when a graph edit changed it, or reordered its keys', () => {
    const text = planToYaml(plan);
    const renamed = { ...plan, name: 'q' };
    expect(textForOutsidePlan(text, renamed)).toBe(planToYaml(renamed));
    const reordered = { baseUrl: plan.baseUrl, name: plan.name, steps: plan.steps };
    expect(textForOutsidePlan(text, reordered)?.startsWith('baseUrl:')).toBe(true);
  });

  it('replaces text that does not read (the graph edit is the newer)', () => {
    expect(textForOutsidePlan('name: [', plan)).toBe(planToYaml(plan));
  });
});

describe('issueDiagnostics', () => {
  const text = planToYaml(plan);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;

  it('puts each issue on the line of its field, with its severity', () => {
    const issues: EditorIssue[] = [
      { path: ['steps', 0, 'extract', 0, 'var'], message: 'variable "id" is extracted but never used', severity: 'warning' },
      { path: ['baseUrl'], message: 'must be an http:// or https:// URL', severity: 'error' },
    ];
    const diagnostics = issueDiagnostics(text, issues);
    expect(diagnostics.map((d) => [lineOf(d.from), d.severity, d.message])).toEqual([
      [2, 'error', 'must be an http:// or https:// URL'],
      [8, 'warning', 'variable "id" is extracted but never used'],
    ]);
    expect(text.split('\n')[7]).toBe('      - var: id');
  });

  it('names a field that is not written, at its nearest written parent', () => {
    const [diagnostic] = issueDiagnostics(text, [{ path: ['steps', 0, 'checks', 0, 'status'], message: 'required', severity: 'error' }]);
    expect(lineOf(diagnostic!.from)).toBe(4);
    expect(diagnostic!.message).toBe('steps[0].checks[0].status: required');
  });

  it('marks a YAML syntax error at its line and column', () => {
    const broken = 'name: p\nsteps:\n  - url: /a\n   method: GET\n';
    const [diagnostic] = issueDiagnostics(broken, [], { line: 4, column: 4, message: 'bad indentation' });
    expect(broken.slice(diagnostic!.from, diagnostic!.to)).toBe('method: GET');
    expect(diagnostic).toMatchObject({ severity: 'error', message: 'bad indentation' });
  });
});

describe('PlanYamlEditor (static markup: CodeMirror itself starts in the browser)', () => {
  it('shows no syntax error at first, in a status region the editor is described by', () => {
    const html = renderToStaticMarkup(<PlanYamlEditor plan={plan} onPlanChange={ignore} issues={[]} />);
    expect(html).toContain('role="status"');
    expect(html).not.toContain('Not valid YAML');
  });

  it('is loaded lazily: a loading notice until its chunk is there', () => {
    const html = renderToStaticMarkup(<LazyPlanYamlEditor plan={plan} onPlanChange={ignore} issues={[]} />);
    expect(html).toContain('Loading the YAML editor');
  });
});
